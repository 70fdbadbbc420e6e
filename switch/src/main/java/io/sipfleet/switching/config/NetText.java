package io.sipfleet.switching.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Syntax checks of IP literals and CIDR blocks that never touch DNS: a config load must not
 * hang on a resolver, and a listen address must be an address, not a name.
 */
final class NetText {

    private NetText() {}

    /** The address of an IPv4 dotted quad or IPv6 literal, or null if {@code s} is neither. */
    static InetAddress parseIp(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        // Only hex digits, ':' and '.' (for ::ffff:1.2.3.4): with those, and a leading hex digit or
        // ':', InetAddress takes the literal path and never resolves.
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return null;
            }
        }
        if (s.charAt(0) == '.') {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Strict dotted quad: InetAddress alone would also take "10.1" and "010.0.0.1". */
    private static InetAddress parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** What is wrong with {@code cidr} as "address/bits", or null if nothing. */
    static String cidrProblem(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return "must be a CIDR block like \"10.0.0.0/8\" or \"2001:db8::/32\", was " + ConfigTree.quote(cidr);
        }
        InetAddress address = parseIp(cidr.substring(0, slash));
        if (address == null) {
            return "not an IP address before the '/': " + ConfigTree.quote(cidr);
        }
        String bits = cidr.substring(slash + 1);
        int max = address.getAddress().length * 8;
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(bits) > max) {
            return "prefix length must be 0.." + max + ", was " + ConfigTree.quote(cidr);
        }
        return null;
    }
}
