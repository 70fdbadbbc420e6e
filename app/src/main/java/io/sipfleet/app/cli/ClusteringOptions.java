package io.sipfleet.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * A cluster's clustering settings as options; the ones not given are left out of the request
 * (the API keeps their value, or the default on create). Values are checked by the API, which
 * answers a bad one with the field it is about.
 */
final class ClusteringOptions {

    @Option(names = "--store-fail-mode", paramLabel = "MODE",
            description = "closed (new calls 503 while Redis is down; default) or open (admit on each member's share)")
    String storeFailMode;

    @Option(names = "--member-channel-limit", paramLabel = "N",
            description = "calls one member carries at most; 0 = no cap of its own (default)")
    Integer memberChannelLimit;

    @Option(names = "--capacity-failover-mode", paramLabel = "MODE",
            description = "a call over a member's cap: redirect (302 to a member with room; default) or forward (proxied there)")
    String capacityFailoverMode;

    @Option(names = "--channel-lease-ttl-seconds", paramLabel = "S",
            description = "channel lease lifetime in Redis, 3..86400 (default 90; members read it at start)")
    Integer channelLeaseTtlSeconds;

    /** The {@code clustering} object of the request, or null when no option was given. */
    Map<String, Object> body() {
        Map<String, Object> c = new LinkedHashMap<>();
        if (storeFailMode != null) {
            c.put("store_fail_mode", storeFailMode);
        }
        if (memberChannelLimit != null) {
            c.put("member_channel_limit", memberChannelLimit);
        }
        if (capacityFailoverMode != null) {
            c.put("capacity_failover_mode", capacityFailoverMode);
        }
        if (channelLeaseTtlSeconds != null) {
            c.put("channel_lease_ttl_seconds", channelLeaseTtlSeconds);
        }
        return c.isEmpty() ? null : c;
    }
}
