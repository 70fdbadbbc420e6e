package io.sipfleet.dispatching;

import io.sipfleet.sip.transport.AllowList;
import io.sipfleet.sip.transport.IpLiterals;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Range and consistency checks of a {@link DispatcherConfig}; every problem named by its field. */
final class DispatcherConfigValidator {
    private DispatcherConfigValidator() {}

    static void validate(DispatcherConfig c) throws DispatcherConfigException {
        List<String> p = new ArrayList<>();
        if (c.version() < 0) p.add("version: must be >= 0");
        if (c.serverId() == null || !c.serverId().matches("[A-Za-z0-9._-]{1,64}")) {
            p.add("serverId: required, letters, digits, '.', '_', '-', at most 64");
        }
        if (c.listen() == null || c.listen().isEmpty()) p.add("listen: at least one listen socket is required");
        else for (int i = 0; i < c.listen().size(); i++) {
            DispatcherConfig.Listen l = c.listen().get(i);
            String at = "listen[" + i + "]";
            if (l == null) { p.add(at + ": null"); continue; }
            if (l.address() == null || IpLiterals.parse(l.address()) == null) p.add(at + ".address: an IP literal is required");
            if (l.port() < 1 || l.port() > 65535) p.add(at + ".port: must be 1..65535");
            if (l.transports().isEmpty()) p.add(at + ".transports: at least one of \"udp\", \"tcp\"");
            for (String t : l.transports()) {
                if (!t.equalsIgnoreCase("udp") && !t.equalsIgnoreCase("tcp")) p.add(at + ".transports: \"" + t + "\" is not udp or tcp");
            }
        }
        if (c.destinations() == null || c.destinations().isEmpty()) p.add("destinations: at least one switch is required");
        else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < c.destinations().size(); i++) {
                DispatcherConfig.Destination d = c.destinations().get(i);
                String at = "destinations[" + i + "]";
                if (d == null) { p.add(at + ": null"); continue; }
                try {
                    Destination parsed = Destination.parse(d.uri(), d.weight());
                    if (!seen.add(parsed.address().toString())) p.add(at + ".uri: " + d.uri() + " is listed twice");
                } catch (IllegalArgumentException e) {
                    p.add(at + ".uri: " + e.getMessage());
                }
                if (d.weight() < 1 || d.weight() > 1000) p.add(at + ".weight: must be 1..1000");
            }
        }
        try {
            Algorithm.fromName(c.algorithm());
        } catch (IllegalArgumentException e) {
            p.add("algorithm: " + e.getMessage());
        }
        if (!DispatcherConfig.SERVICE_STATES.contains(c.serviceState())) {
            p.add("serviceState: must be \"active\", \"expired\" or \"suspended\", was \"" + c.serviceState() + "\"");
        }
        if (!DispatcherConfig.WHEN_ALL_DOWN.contains(c.whenAllDown())) {
            p.add("whenAllDown: must be \"try-all\" or \"refuse\", was \"" + c.whenAllDown() + "\"");
        }
        if (c.transactionLingerSeconds() < 1 || c.transactionLingerSeconds() > 32) {
            p.add("transactionLingerSeconds: must be 1..32, was " + c.transactionLingerSeconds());
        }
        DispatcherConfig.Probe pr = c.probe();
        if (pr.intervalSeconds() < 1 || pr.intervalSeconds() > 3600) p.add("probe.intervalSeconds: must be 1..3600");
        if (pr.failuresToDown() < 1 || pr.failuresToDown() > 100) p.add("probe.failuresToDown: must be 1..100");
        if (pr.successesToUp() < 1 || pr.successesToUp() > 100) p.add("probe.successesToUp: must be 1..100");
        if (pr.timeoutMillis() < 50) p.add("probe.timeoutMillis: must be >= 50");
        else if ((long) pr.failuresToDown() * pr.timeoutMillis() > pr.intervalSeconds() * 1000L) {
            // else a dead switch could stay in rotation longer than two intervals
            p.add("probe.timeoutMillis: failuresToDown × timeoutMillis (" + pr.failuresToDown() + " × " + pr.timeoutMillis()
                    + " ms) must fit in one interval (" + pr.intervalSeconds() * 1000L + " ms)");
        }
        for (int i = 0; i < c.failoverCodes().size(); i++) {
            Integer code = c.failoverCodes().get(i);
            if (code == null || code < 300 || code > 699) p.add("failoverCodes[" + i + "]: must be a final status 300..699");
        }
        if (c.noAnswerMillis() < 100 || c.noAnswerMillis() > 32_000) p.add("noAnswerMillis: must be 100..32000");
        if (c.maxSourceRate() < 0) p.add("maxSourceRate: must be >= 0 (0 = no limit)");
        if (c.metricsPort() < 0 || c.metricsPort() > 65535) p.add("metricsPort: must be 0..65535");
        if (c.metricsAddress() != null && IpLiterals.parse(c.metricsAddress()) == null) p.add("metricsAddress: an IP literal is required");
        try {
            AllowList.parse(String.join(",", c.allowedDestinations()));
        } catch (IllegalArgumentException e) {
            p.add("allowedDestinations: " + e.getMessage());
        }
        if (!p.isEmpty()) throw new DispatcherConfigException(String.join("; ", p));
    }
}
