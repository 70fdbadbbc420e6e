package io.sipfleet.sip.parse;

import java.nio.charset.StandardCharsets;

/**
 * Shared String instances for the tokens every message repeats (parameter names, transports,
 * common values): a parsed message then holds references instead of fresh copies. Matters for
 * what stays on the heap (transactions keep their messages for Timer J's 32 s) more than for
 * speed. Exact-case match; anything else gets a new String.
 */
final class Tokens {
    private Tokens() {}

    private static final String[] KNOWN = {"branch", "tag", "rport", "received", "maddr", "ttl", "lr", "transport",
            "expires", "q", "user", "method", "phone", "ob", "reg-id", "+sip.instance", "SIP", "2.0", "UDP", "TCP",
            "TLS", "SCTP", "WS", "WSS", "udp", "tcp", "tls", "ws", "wss", "sip", "sips", "ip", "nat", "alias", "did"};
    private static final int SIZE = 128;
    private static final String[] TABLE = new String[SIZE];
    private static final byte[][] KEYS = new byte[SIZE][];

    static {
        for (String k : KNOWN) {
            byte[] b = k.getBytes(StandardCharsets.US_ASCII);
            int slot = hash(b, 0, b.length) & (SIZE - 1);
            while (TABLE[slot] != null) slot = (slot + 1) & (SIZE - 1);
            TABLE[slot] = k;
            KEYS[slot] = b;
        }
    }

    private static int hash(byte[] b, int s, int e) {
        int h = (e - s) * 31 + b[s] * 17 + b[e - 1];
        return h ^ (h >>> 4);
    }

    /** The shared instance for {@code b[s, e)} when it is a known token, else a new String. */
    static String ascii(byte[] b, int s, int e) {
        if (e > s && e - s <= 13) {
            for (int slot = hash(b, s, e) & (SIZE - 1); KEYS[slot] != null; slot = (slot + 1) & (SIZE - 1)) {
                byte[] k = KEYS[slot];
                if (k.length == e - s && java.util.Arrays.equals(k, 0, k.length, b, s, e)) return TABLE[slot];
            }
        }
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }
}
