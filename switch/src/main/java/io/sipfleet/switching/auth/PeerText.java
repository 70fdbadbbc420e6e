package io.sipfleet.switching.auth;

import io.netty.util.NetUtil;
import io.sipfleet.sip.transport.Peer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Addresses as log lines and the location store write them: {@code 192.0.2.4},
 * {@code 2001:db8::1} (RFC 5952 compressed), never a reverse DNS name, never the leading '/' of
 * {@code InetSocketAddress.toString()}. Grep-friendly at 3 a.m.
 */
public final class PeerText {
    private PeerText() {}

    public static String ip(InetAddress a) { return a == null ? "?" : NetUtil.toAddressString(a); }

    /** {@code udp:192.0.2.4:5060}, {@code tcp:[2001:db8::1]:5060}. */
    public static String of(Peer p) {
        if (p == null) return "?";
        return p.transport().name().toLowerCase(Locale.ROOT) + ":" + hostPort(p.remote());
    }

    public static String hostPort(InetSocketAddress a) {
        if (a == null) return "?";
        if (a.getAddress() == null) return a.getHostString() + ":" + a.getPort();
        String ip = ip(a.getAddress());
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
