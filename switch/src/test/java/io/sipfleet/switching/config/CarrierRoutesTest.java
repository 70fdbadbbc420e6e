package io.sipfleet.switching.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CarrierRoutesTest {

    static CarrierRoute route(String prefix, String name) {
        return new CarrierRoute(prefix, "sip:10.0.0.1", 0, name);
    }

    private final CarrierRoutes table = CarrierRoutes.of(List.of(
            route("", "default"), route("44", "uk"), route("4420", "london"), route("1", "nanp"), route("1800", "tollfree")));

    private String name(String number) {
        return table.route(number).map(CarrierRoute::name).orElse("none");
    }

    @Test
    void longest_prefix_wins() {
        assertThat(name("442071234567")).isEqualTo("london");
        assertThat(name("441611234567")).isEqualTo("uk");
        assertThat(name("44")).isEqualTo("uk");
        assertThat(name("4")).isEqualTo("default");
        assertThat(name("18005550100")).isEqualTo("tollfree");
        assertThat(name("18015550100")).isEqualTo("nanp");
        assertThat(name("33123")).isEqualTo("default");
        assertThat(name("")).isEqualTo("default");
    }

    @Test
    void leading_plus_is_dropped_and_matching_stops_at_a_non_digit() {
        assertThat(name("+442071234567")).isEqualTo("london");
        assertThat(name("4420;npdi")).isEqualTo("london");
        assertThat(name("44x20")).isEqualTo("uk");
        assertThat(name("alice")).isEqualTo("default");
    }

    @Test
    void without_default_route_an_unmatched_number_has_none() {
        CarrierRoutes noDefault = CarrierRoutes.of(List.of(route("44", "uk")));
        assertThat(noDefault.route("33123")).isEmpty();
        assertThat(noDefault.route("4")).isEmpty();
        assertThat(noDefault.route("449")).map(CarrierRoute::name).hasValue("uk");
        assertThat(CarrierRoutes.of(List.of()).route("44")).isEmpty();
        assertThat(table.size()).isEqualTo(5);
    }

    @Test
    void refuses_what_validation_would_have() {
        assertThatThrownBy(() -> CarrierRoutes.of(List.of(route("4a", "x")))).hasMessageContaining("not digits");
        assertThatThrownBy(() -> CarrierRoutes.of(List.of(route("44", "a"), route("44", "b"))))
                .hasMessageContaining("routes a and b have the same prefix \"44\"");
    }
}
