package io.sipfleet.sip.transport;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The destinations a node may send to: a list of CIDR blocks (IPv4 and IPv6), or "any".
 *
 * <p>Whatever the list says, a few addresses are never destinations: unspecified (0.0.0.0/8, ::),
 * the limited broadcast 255.255.255.255, multicast (224.0.0.0/4, ff00::/8) and port 0. A SIP
 * message names its reply address itself (Via sent-by, maddr, Contact), so without this check a
 * node could be made to spray a LAN or amplify traffic (RFC 4475 3.1.1.8 "bcast" puts
 * 255.255.255.255 in a Via; RFC 3261 26.1.x). Immutable and lock-free: checked on every send.
 */
public final class AllowList {
    /** Everything not in the always-refused set. */
    public static final AllowList ANY = new AllowList(List.of(), "any");

    /** One block: the network bytes (host bits zero) and the prefix length. */
    record Cidr(byte[] network, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != network.length) return false;
            int full = prefix / 8, rest = prefix % 8;
            for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
            if (rest == 0) return true;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Cidr> blocks; // empty = any
    private final String spec;

    private AllowList(List<Cidr> blocks, String spec) {
        this.blocks = blocks;
        this.spec = spec;
    }

    /**
     * Parses {@code "127.0.0.0/8,10.0.0.0/8,2001:db8::/32"}; a bare address is a /32 (or /128).
     * {@code "any"}, {@code "*"} or a blank string allow everything (but the always-refused set).
     *
     * @throws IllegalArgumentException naming the bad entry and why
     */
    public static AllowList parse(String text) {
        if (text == null || text.isBlank()) return ANY;
        String t = text.trim();
        if (t.equalsIgnoreCase("any") || t.equals("*")) return ANY;
        List<Cidr> out = new ArrayList<>();
        for (String entry : t.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) throw new IllegalArgumentException("empty entry in allow-list '" + text + "'");
            out.add(cidr(e));
        }
        return new AllowList(List.copyOf(out), t);
    }

    private static Cidr cidr(String e) {
        int slash = e.indexOf('/');
        String addr = slash < 0 ? e : e.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
        byte[] net = NetUtil.createByteArrayFromIpAddressString(addr);
        if (net == null) {
            throw new IllegalArgumentException("bad CIDR '" + e + "' in allow-list: '" + addr
                    + "' is not an IPv4 or IPv6 address (host names are not allowed)");
        }
        net = normalize(net);
        int max = net.length * 8, prefix = max;
        if (slash >= 0) {
            String p = e.substring(slash + 1);
            try {
                prefix = Integer.parseInt(p);
            } catch (NumberFormatException x) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad CIDR '" + e + "' in allow-list: prefix length '" + p
                        + "' must be 0.." + max + " for " + (net.length == 4 ? "IPv4" : "IPv6"));
            }
        }
        Cidr c = new Cidr(net, prefix);
        byte[] masked = masked(net, prefix);
        if (!java.util.Arrays.equals(masked, net)) {
            // 10.0.0.1/8 is usually a typo for 10.0.0.1/32 or 10.0.0.0/8: refuse to guess.
            throw new IllegalArgumentException("bad CIDR '" + e + "' in allow-list: host bits set; did you mean "
                    + text(masked) + "/" + prefix + "?");
        }
        return c;
    }

    private static byte[] masked(byte[] a, int prefix) {
        byte[] m = a.clone();
        for (int bit = prefix; bit < m.length * 8; bit++) m[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        return m;
    }

    private static String text(byte[] a) {
        try {
            return NetUtil.toAddressString(InetAddress.getByAddress(a));
        } catch (UnknownHostException x) {
            throw new IllegalStateException(x);
        }
    }

    /** IPv4-mapped IPv6 (::ffff:a.b.c.d) compares as the IPv4 address it carries. */
    private static byte[] normalize(byte[] a) {
        if (a.length != 16) return a;
        for (int i = 0; i < 10; i++) if (a[i] != 0) return a;
        if (a[10] != (byte) 0xFF || a[11] != (byte) 0xFF) return a;
        return new byte[] {a[12], a[13], a[14], a[15]};
    }

    public boolean isAny() { return blocks.isEmpty(); }

    public boolean allows(InetSocketAddress to) { return refusal(to) == null; }

    public boolean allows(InetAddress to) { return to != null && refusal(new InetSocketAddress(to, 5060)) == null; }

    /** Why {@code to} must not be sent to, or null when it may. For logs and counters. */
    public String refusal(InetSocketAddress to) {
        if (to == null) return "no destination";
        InetAddress a = to.getAddress();
        if (a == null) return "unresolved host " + to.getHostString() + " (no DNS in the transport)";
        if (to.getPort() == 0) return "port 0";
        String always = alwaysRefused(a);
        if (always != null) return always;
        if (blocks.isEmpty()) return null;
        byte[] b = normalize(a.getAddress());
        for (Cidr c : blocks) if (c.contains(b)) return null;
        return "not in the outbound allow-list " + spec;
    }

    private static String alwaysRefused(InetAddress a) {
        if (a.isAnyLocalAddress()) return "unspecified address";
        if (a.isMulticastAddress()) return "multicast address";
        byte[] b = normalize(a.getAddress());
        if (b.length == 4) {
            if (b[0] == 0) return "unspecified address (0.0.0.0/8)";
            if ((b[0] & b[1] & b[2] & b[3]) == (byte) 0xFF) return "broadcast address";
            if ((b[0] & 0xF0) == 0xE0) return "multicast address";
        } else if (b[0] == (byte) 0xFF) {
            return "multicast address";
        }
        return null;
    }

    @Override public String toString() { return spec; }
}
