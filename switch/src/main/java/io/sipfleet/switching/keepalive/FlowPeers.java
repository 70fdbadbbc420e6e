package io.sipfleet.switching.keepalive;

import io.netty.util.NetUtil;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.sip.transport.Peer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a binding's {@link Flow} into the {@link Peer} its pings go to: remote = where the
 * REGISTER really came from (the NAT's public side), local = the listener it arrived on. Built
 * once per binding (track time), not per ping. The local side is one of a handful of listener
 * addresses, so those instances are shared.
 */
final class FlowPeers {
    private record Local(String ip, int port) {}

    private static final int MAX_SHARED_LOCALS = 1024;
    private final ConcurrentHashMap<Local, InetSocketAddress> locals = new ConcurrentHashMap<>();

    /** The peer of {@code flow}; throws IllegalArgumentException when an address is not an IP literal. */
    Peer peerOf(Flow flow) {
        InetSocketAddress remote = new InetSocketAddress(literal(flow.sourceIp()), flow.sourcePort());
        Local key = new Local(flow.localIp(), flow.localPort());
        InetSocketAddress local = locals.get(key);
        if (local == null) {
            local = new InetSocketAddress(literal(flow.localIp()), flow.localPort());
            if (locals.size() < MAX_SHARED_LOCALS) locals.putIfAbsent(key, local);
        }
        return new Peer(flow.transport(), remote, local, 0);
    }

    /** Never a DNS lookup (this runs on event loops): a host name here is a bug upstream. */
    static InetAddress literal(String ip) {
        String h = ip.length() > 1 && ip.charAt(0) == '[' && ip.charAt(ip.length() - 1) == ']'
                ? ip.substring(1, ip.length() - 1) : ip;
        InetAddress a = NetUtil.createInetAddressFromIpAddressString(h);
        if (a == null) throw new IllegalArgumentException("not an IP literal: '" + ip + "'");
        return a;
    }

    /** {@code ip} as the host of a SIP URI or Via sent-by: IPv6 in brackets (RFC 3261 25.1). */
    static String uriHost(String ip) {
        return ip.indexOf(':') >= 0 && ip.charAt(0) != '[' ? "[" + ip + "]" : ip;
    }
}
