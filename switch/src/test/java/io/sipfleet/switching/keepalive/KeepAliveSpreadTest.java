package io.sipfleet.switching.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KeepAliveSpreadTest {

    private static Harness withBindings(int n) {
        Harness h = new Harness();
        for (int i = 0; i < n; i++) {
            h.register("sip:u" + i + "@example.com", "sip:u" + i + "@192.168.1." + (i % 250 + 1) + ":5060",
                    "203.0.113." + (i % 200 + 1), 10_000 + i);
        }
        return h;
    }

    @Test void threeThousandBindingsSpreadOverThirtyOneSecondSlots() {
        Harness h = withBindings(3_000);
        int[] loads = h.scheduler.slotLoads();
        assertThat(loads).hasSize(30);
        assertThat(Arrays.stream(loads).min().getAsInt()).isGreaterThanOrEqualTo(99);
        assertThat(Arrays.stream(loads).max().getAsInt()).isLessThanOrEqualTo(101);
        assertThat(Arrays.stream(loads).sum()).isEqualTo(3_000);
    }

    @Test void eachSecondSendsAboutAHundredAndEachBindingIsPingedExactlyOncePerInterval() {
        Harness h = withBindings(3_000);
        for (int second = 0; second < 30; second++) {
            int before = h.net.pings().size();
            h.tickOnly(1);
            assertThat(h.net.pings().size() - before).as("pings in second %d", second).isBetween(99, 101);
        }
        Map<String, Long> perContact = h.net.pings().stream()
                .collect(Collectors.groupingBy(s -> s.request().requestUri().toString(), Collectors.counting()));
        assertThat(perContact).hasSize(3_000);
        assertThat(perContact.values()).containsOnly(1L);

        h.tickOnly(30);
        Map<String, Long> twice = h.net.pings().stream()
                .collect(Collectors.groupingBy(s -> s.request().requestUri().toString(), Collectors.counting()));
        assertThat(twice.values()).containsOnly(2L);
    }

    @Test void aBindingKeepsItsPhaseFromIntervalToInterval() {
        Harness h = withBindings(300);
        Map<String, Integer> firstTick = new HashMap<>();
        for (int t = 0; t < 60; t++) {
            int before = h.net.pings().size();
            h.tickOnly(1);
            for (var s : h.net.pings().subList(before, h.net.pings().size())) {
                String uri = s.request().requestUri().toString();
                Integer prev = firstTick.putIfAbsent(uri, t);
                if (prev != null) assertThat(t - prev).as(uri).isEqualTo(30);
            }
        }
        assertThat(firstTick).hasSize(300);
    }

    @Test void removalsAndArrivalsKeepSlotsLevel() {
        Harness h = withBindings(3_000);
        for (int i = 0; i < 3_000; i += 3) h.scheduler.untrack("sip:u" + i + "@example.com",
                "sip:u" + i + "@192.168.1." + (i % 250 + 1) + ":5060");
        for (int i = 0; i < 1_000; i++) {
            h.register("sip:n" + i + "@example.com", "sip:n" + i + "@10.9.0.1:5060", "198.51.100.1", 20_000 + i);
        }
        int[] loads = h.scheduler.slotLoads();
        assertThat(Arrays.stream(loads).sum()).isEqualTo(3_000);
        // arrivals fill the slots removals emptied
        assertThat(Arrays.stream(loads).max().getAsInt() - Arrays.stream(loads).min().getAsInt()).isLessThanOrEqualTo(1);
    }

    @Test void aNewIntervalReSpreadsEveryBindingWithoutLosingOne() {
        Harness h = withBindings(3_000);
        h.scheduler.apply(h.scheduler.settings().withIntervalSeconds(60));
        int[] loads = h.scheduler.slotLoads();
        assertThat(loads).hasSize(60);
        assertThat(Arrays.stream(loads).min().getAsInt()).isEqualTo(50);
        assertThat(Arrays.stream(loads).max().getAsInt()).isEqualTo(50);

        h.tickOnly(60);
        List<String> uris = h.net.pings().stream().map(s -> s.request().requestUri().toString()).toList();
        assertThat(uris).hasSize(3_000).doesNotHaveDuplicates();
        assertThat(h.scheduler.stats().tracked()).isEqualTo(3_000);
    }
}
