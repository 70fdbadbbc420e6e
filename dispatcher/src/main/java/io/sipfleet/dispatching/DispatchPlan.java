package io.sipfleet.dispatching;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a config says about routing, in the form requests read it: the switches, the algorithm and
 * its selector, the failover codes. Immutable: a reload builds a new plan and swaps it in one
 * write, so each request sees either the old plan or the new one, never half of each; requests
 * in progress keep the targets they were given. {@code refusal}: the 503 reason for new calls
 * from outside while the control plane has this server expired or suspended, else null.
 * {@code tryAllWhenAllDown}: the config's whenAllDown is "try-all".
 */
record DispatchPlan(List<Destination> destinations, Selector selector, Algorithm algorithm,
                    Set<Integer> failoverCodes, Duration noAnswer, boolean recordRoute,
                    Map<InetSocketAddress, Destination> byAddress, String refusal, boolean tryAllWhenAllDown) {

    static DispatchPlan of(DispatcherConfig c) {
        List<Destination> destinations = new ArrayList<>();
        for (DispatcherConfig.Destination d : c.destinations()) destinations.add(Destination.parse(d.uri(), d.weight()));
        Map<InetSocketAddress, Destination> byAddress = new HashMap<>();
        for (Destination d : destinations) byAddress.put(d.address(), d);
        return new DispatchPlan(List.copyOf(destinations), new Selector(destinations), c.algorithmValue(),
                Set.copyOf(c.failoverCodes()), Duration.ofMillis(c.noAnswerMillis()), c.recordRoute(), Map.copyOf(byAddress),
                refusal(c.serviceState()), c.whenAllDown().equals("try-all"));
    }

    /** The reason phrase new calls get when the server may not take them, or null (active). */
    private static String refusal(String serviceState) {
        if (serviceState == null || serviceState.equals("active")) return null;
        return "Service " + Character.toUpperCase(serviceState.charAt(0)) + serviceState.substring(1);
    }
}
