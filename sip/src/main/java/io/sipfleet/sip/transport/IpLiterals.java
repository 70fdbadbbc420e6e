package io.sipfleet.sip.transport;

import io.netty.util.NetUtil;
import java.net.InetAddress;

/** IP address literals as SIP writes them (RFC 3261 25.1, RFC 5118), parsed without any DNS lookup. */
public final class IpLiterals {
    private IpLiterals() {}

    /** A literal parsed before and its address: immutable, so a racing reader sees all of it or the old one. */
    private record Parsed(String text, InetAddress address) {}

    /**
     * The literals parsed last, by hash: every message names the same few addresses (its Vias,
     * Routes, the switches), parsed into an InetAddress several times per message otherwise. A
     * slot a race overwrites only costs a parse.
     */
    private static final Parsed[] RECENT = new Parsed[256];

    /** The address {@code host} spells (IPv4, IPv6 with or without brackets), or null for a host name. */
    public static InetAddress parse(String host) {
        if (host == null || host.isEmpty()) return null;
        int slot = host.hashCode() & (RECENT.length - 1);
        Parsed p = RECENT[slot];
        if (p != null && p.text.equals(host)) return p.address;
        InetAddress a = parseLiteral(host);
        if (a != null) RECENT[slot] = new Parsed(host, a);
        return a;
    }

    private static InetAddress parseLiteral(String host) {
        String h = host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                ? host.substring(1, host.length() - 1) : host;
        // NetUtil only accepts literals: it never resolves, so this cannot block the event loop.
        return NetUtil.createInetAddressFromIpAddressString(h);
    }

    /** An address and its text: immutable, so a racing reader sees all of it or the old one. */
    private record Texted(InetAddress address, String text) {}

    /**
     * Texts made last, by hash: every request from a phone is stamped received=its address, and
     * a phone sends many (a new InetAddress per datagram, the same text each time).
     */
    private static final Texted[] TEXTS = new Texted[256];

    /** The address as a Via received= value: IPv4 dotted, IPv6 compressed without brackets (RFC 5118 4.5). */
    public static String text(InetAddress a) {
        int slot = a.hashCode() & (TEXTS.length - 1);
        Texted t = TEXTS[slot];
        if (t != null && t.address().equals(a)) return t.text();
        String text = NetUtil.toAddressString(a);
        TEXTS[slot] = new Texted(a, text);
        return text;
    }

    /** "192.0.2.4:5060" / "[2001:db8::1]:5060" for logs (InetSocketAddress.toString adds a '/'). */
    static String text(java.net.SocketAddress a) {
        if (!(a instanceof java.net.InetSocketAddress i)) return String.valueOf(a);
        if (i.getAddress() == null) return i.getHostString() + ":" + i.getPort();
        String ip = text(i.getAddress());
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + i.getPort();
    }

    /** Same address, treating an IPv4-mapped IPv6 address as the IPv4 address it carries. */
    static boolean same(InetAddress a, InetAddress b) {
        if (a == null || b == null) return false;
        if (a.equals(b)) return true;
        byte[] x = v4(a.getAddress()), y = v4(b.getAddress());
        return java.util.Arrays.equals(x, y);
    }

    private static byte[] v4(byte[] a) {
        if (a.length != 16) return a;
        for (int i = 0; i < 10; i++) if (a[i] != 0) return a;
        if (a[10] != (byte) 0xFF || a[11] != (byte) 0xFF) return a;
        return new byte[] {a[12], a[13], a[14], a[15]};
    }
}
