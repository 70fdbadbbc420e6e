package io.sipfleet.switching.config;

import io.sipfleet.sip.transport.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fellow members of a cluster and their SIP addresses, read from the snapshot's
 * {@code locationSharingPeers} entries of the form {@code "serverId=sip:IP:port"} (for example
 * {@code "sw-b=sip:127.0.0.3:5060"}). Plain entries (a server id or host:port) name sharing peers
 * and are not members.
 *
 * <p>A member needs the others' addresses for two things: a binding owned by another member (the
 * UAC registered through it, so only it holds the NAT pinhole or TCP connection) is reached by
 * forwarding the request to that member; and a request from a member is trusted by source address
 * (it was authenticated and admitted against the cluster's limits by the member that took it).
 */
public final class ClusterMembers {
    private static final Pattern ENTRY = Pattern.compile(
            "([A-Za-z0-9._-]{1,64})=sips?:(\\[[^\\]]+\\]|[^:;\\[\\]]+)(?::(\\d{1,5}))?(?:;feed=(\\d{1,5}))?");

    /**
     * Port of a sharing peer's change feed ({@code GET /location/changes}, served with its
     * metrics) when the entry names none: the default metricsPort.
     */
    public static final int DEFAULT_FEED_PORT = 9090;

    private ClusterMembers() {}

    /** True when the entry is meant as a member ("id=sip:..."), well-formed or not. */
    public static boolean isMemberEntry(String entry) {
        return entry != null && entry.indexOf('=') > 0;
    }

    /** The member's server id, its SIP address (UDP), or null when the entry is malformed. */
    public static Map.Entry<String, InetSocketAddress> parse(String entry) {
        if (entry == null) return null;
        Matcher m = ENTRY.matcher(entry.trim());
        if (!m.matches()) return null;
        InetAddress ip = IpLiterals.parse(m.group(2));
        if (ip == null) return null;
        int port = m.group(3) == null ? 5060 : Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) return null;
        return Map.entry(m.group(1), new InetSocketAddress(ip, port));
    }

    /**
     * The HTTP address of the location change feed of a sharing peer entry
     * {@code "serverId=sip:IP:port[;feed=PORT]"}: the peer's IP, port {@code feed} or
     * {@link #DEFAULT_FEED_PORT}. Null when the entry is malformed.
     */
    public static InetSocketAddress feed(String entry) {
        if (entry == null) return null;
        Matcher m = ENTRY.matcher(entry.trim());
        if (!m.matches()) return null;
        InetAddress ip = IpLiterals.parse(m.group(2));
        if (ip == null) return null;
        int port = m.group(4) == null ? DEFAULT_FEED_PORT : Integer.parseInt(m.group(4));
        if (port < 1 || port > 65535) return null;
        return new InetSocketAddress(ip, port);
    }

    /**
     * serverId -> SIP address of every location sharing peer of an un-clustered switch with
     * {@code locationSharing} on (empty otherwise): "UAC location array sharing".
     */
    public static Map<String, InetSocketAddress> sharingPeers(SwitchConfig c) {
        if (c.clusterId() != null || !c.locationSharing() || c.locationSharingPeers() == null) return Map.of();
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (String p : c.locationSharingPeers()) {
            if (!isMemberEntry(p)) continue;
            Map.Entry<String, InetSocketAddress> e = parse(p);
            if (e != null && !e.getKey().equals(c.serverId())) out.put(e.getKey(), e.getValue());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** serverId -> SIP address of every other member in {@code c} (empty when not clustered). */
    public static Map<String, InetSocketAddress> of(SwitchConfig c) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        if (c.clusterId() == null || c.locationSharingPeers() == null) return Map.of();
        for (String p : c.locationSharingPeers()) {
            if (!isMemberEntry(p)) continue;
            Map.Entry<String, InetSocketAddress> e = parse(p);
            if (e != null && !e.getKey().equals(c.serverId())) out.put(e.getKey(), e.getValue());
        }
        return Map.copyOf(out);
    }
}
