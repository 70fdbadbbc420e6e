package io.sipfleet.switching.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class SwitchMetricsTest {

    private final SwitchMetrics metrics = new SwitchMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "sw");

    @Test
    void tag_values_from_traffic_are_capped() {
        for (int i = 0; i < TaggedCounters.MAX_VALUES + 10; i++) {
            metrics.messageIn("METHOD" + i);
        }
        String text = metrics.scrape();
        long series = text.lines().filter(l -> l.startsWith("sipfleet_sip_messages_total{direction=\"in\"")).count();
        assertThat(series).isEqualTo(TaggedCounters.MAX_VALUES + 1);
        assertThat(text).contains("sipfleet_sip_messages_total{direction=\"in\",kind=\"other\",server=\"sw\"} 10.0");
    }

    @Test
    void gauges_follow_the_last_value() {
        metrics.transactionsActive("client_invite", 3);
        metrics.transactionsActive("client_invite", 1);
        metrics.channelsInUse(10);
        metrics.channelsInUse(9);
        assertThat(metrics.scrape())
                .contains("sipfleet_transactions_active{kind=\"client_invite\",server=\"sw\"} 1.0")
                .contains("sipfleet_channels_in_use{server=\"sw\"} 9.0");
    }

    @Test
    void bad_direction_is_a_programming_error() {
        assertThatThrownBy(() -> metrics.sipMessage("sideways", "INVITE")).isInstanceOf(IllegalArgumentException.class);
        metrics.registration("");
        assertThat(metrics.scrape()).contains("sipfleet_registrations_total{result=\"unknown\",server=\"sw\"} 1.0");
    }
}
