package io.sipfleet.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectorTest {
    private final Destination a = Destination.parse("sip:127.0.0.2:5060", 1);
    private final Destination b = Destination.parse("sip:127.0.0.3:5060", 1);
    private final Destination c = Destination.parse("sip:127.0.0.4", 3);
    private final Selector selector = new Selector(List.of(a, b, c));

    @Test void roundRobinSpreadsEvenlyAndListsTheOthersForFailover() {
        Map<Destination, Integer> first = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            List<Destination> order = selector.roundRobin(d -> true);
            assertThat(order).containsExactlyInAnyOrder(a, b, c);
            first.merge(order.get(0), 1, Integer::sum);
        }
        assertThat(first).containsEntry(a, 1000).containsEntry(b, 1000).containsEntry(c, 1000);
    }

    @Test void roundRobinSkipsADownSwitch() {
        Map<Destination, Integer> first = new HashMap<>();
        for (int i = 0; i < 1000; i++) first.merge(selector.roundRobin(d -> d != b).get(0), 1, Integer::sum);
        assertThat(first).doesNotContainKey(b).containsEntry(a, 500).containsEntry(c, 500);
        assertThat(selector.roundRobin(d -> false)).isEmpty();
    }

    @Test void weightedGivesEachItsShareInterleaved() {
        Map<Destination, Integer> first = new HashMap<>();
        for (int i = 0; i < 5000; i++) first.merge(selector.weighted(d -> true).get(0), 1, Integer::sum);
        assertThat(first).containsEntry(a, 1000).containsEntry(b, 1000).containsEntry(c, 3000);
        int[] cycle = Selector.smoothWeighted(List.of(a, b, c));
        assertThat(cycle).hasSize(5);
        for (int i = 1; i < cycle.length; i++) {
            // smooth: the weight-3 switch never gets three in a row
            if (i >= 2) assertThat(cycle[i] == 2 && cycle[i - 1] == 2 && cycle[i - 2] == 2).isFalse();
        }
    }

    @Test void aKeyStaysOnItsSwitchAndOnlyTheDownSwitchsKeysMove() {
        Map<String, Destination> home = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            String callId = "call-" + i + "@192.0.2.1";
            Destination d = selector.byKey(callId, x -> true).get(0);
            for (int k = 0; k < 5; k++) assertThat(selector.byKey(callId, x -> true).get(0)).isEqualTo(d);
            home.put(callId, d);
        }
        Set<Destination> used = new HashSet<>(home.values());
        assertThat(used).containsExactlyInAnyOrder(a, b, c);
        long onA = home.values().stream().filter(a::equals).count();
        assertThat(onA).isBetween(120L, 280L); // about a third
        for (var e : home.entrySet()) {
            Destination now = selector.byKey(e.getKey(), x -> x != b).get(0);
            if (e.getValue() != b) assertThat(now).as("keys of up switches stay").isEqualTo(e.getValue());
            else assertThat(now).isNotEqualTo(b);
        }
        // and the hash is the same for a fresh selector (another dispatcher, a restart)
        Selector other = new Selector(List.of(c, b, a));
        for (var e : home.entrySet()) assertThat(other.byKey(e.getKey(), x -> true).get(0)).isEqualTo(e.getValue());
    }

    @Test void leastLoadedPicksTheMostHeadroomThenTheFewestCallsAndSharesTies() {
        Map<Destination, Double> free = new HashMap<>(Map.of(a, 0.5, b, 0.9, c, 0.9));
        Map<Destination, Integer> calls = new HashMap<>(Map.of(a, 0, b, 7, c, 3));
        Selector.LoadView view = new Selector.LoadView() {
            @Override public double headroom(Destination d) { return free.get(d); }
            @Override public int calls(Destination d) { return calls.get(d); }
        };
        assertThat(selector.leastLoaded(x -> true, view)).containsExactly(c, b, a);
        assertThat(selector.leastLoaded(x -> x != c, view)).containsExactly(b, a);
        calls.put(b, 3); // b and c tie: they alternate
        Map<Destination, Integer> first = new HashMap<>();
        for (int i = 0; i < 100; i++) first.merge(selector.leastLoaded(x -> true, view).get(0), 1, Integer::sum);
        assertThat(first).doesNotContainKey(a);
        assertThat(first.get(b)).isBetween(40, 60);
    }
}
