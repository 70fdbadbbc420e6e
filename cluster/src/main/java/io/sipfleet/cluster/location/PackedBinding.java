package io.sipfleet.cluster.location;

import io.sipfleet.sip.transport.Transport;

import java.nio.charset.StandardCharsets;

/**
 * The text form of a binding in the Redis store: the value of its contact's field in the AoR hash.
 * {@code "1;"} (format version), then 15 fields, each {@code <byte length>:<bytes>} or {@code -}
 * for null, in this order:
 * <pre>
 *   1 expiresAt  2 registeredAt  3 q  4 callId  5 cseq  6 instanceId  7 regId  8 memberId
 *   9 transport  10 sourceIp  11 sourcePort  12 localIp  13 localPort  14 userAgent  15 path
 * </pre>
 * Length-prefixed so any byte may appear in a field (a User-Agent is whatever the phone sent), and
 * readable in {@code redis-cli}. The Lua scripts write fields 1-7 (times come from the Redis clock)
 * and read 1-8; fields 8-15 are the request's, encoded here once per REGISTER ({@link #requestTail}).
 * The AoR and the contact are not repeated: they are the hash's key and field.
 */
final class PackedBinding {
    static final String VERSION = "1;";

    private PackedBinding() {}

    /** Fields 8-15 of every binding a REGISTER writes. */
    static String requestTail(RegisterRequest r) {
        StringBuilder sb = new StringBuilder(128);
        field(sb, r.memberId());
        field(sb, r.flow().transport().name());
        field(sb, r.flow().sourceIp());
        field(sb, Integer.toString(r.flow().sourcePort()));
        field(sb, r.flow().localIp());
        field(sb, Integer.toString(r.flow().localPort()));
        field(sb, r.userAgent());
        field(sb, r.path());
        return sb.toString();
    }

    /** A whole packed binding (the scripts build their own; this is for tests and tools). */
    static String encode(Binding b) {
        StringBuilder sb = new StringBuilder(VERSION);
        field(sb, Long.toString(b.expiresAtMillis()));
        field(sb, Long.toString(b.registeredAtMillis()));
        field(sb, Integer.toString(b.q()));
        field(sb, b.callId());
        field(sb, Long.toString(b.cseq()));
        field(sb, b.instanceId());
        field(sb, Integer.toString(b.regId()));
        Flow f = b.flow();
        field(sb, b.memberId());
        field(sb, f.transport().name());
        field(sb, f.sourceIp());
        field(sb, Integer.toString(f.sourcePort()));
        field(sb, f.localIp());
        field(sb, Integer.toString(f.localPort()));
        field(sb, b.userAgent());
        field(sb, b.path());
        return sb.toString();
    }

    static Binding decode(String aor, String contact, String packed) {
        byte[] p = packed.getBytes(StandardCharsets.UTF_8);
        if (p.length < 2 || p[0] != '1' || p[1] != ';') {
            throw new IllegalStateException("unknown binding format for " + aor + " " + contact + ": " + abbreviate(packed));
        }
        String[] f = new String[15];
        int pos = 2;
        for (int i = 0; i < f.length; i++) {
            if (pos >= p.length) throw malformed(aor, contact, packed);
            if (p[pos] == '-') {
                pos++;
                continue;
            }
            int len = 0, start = pos;
            while (pos < p.length && p[pos] >= '0' && p[pos] <= '9') len = len * 10 + (p[pos++] - '0');
            if (pos == start || pos >= p.length || p[pos] != ':' || pos + 1 + len > p.length) throw malformed(aor, contact, packed);
            f[i] = new String(p, pos + 1, len, StandardCharsets.UTF_8);
            pos += 1 + len;
        }
        if (pos != p.length) throw malformed(aor, contact, packed);
        try {
            Flow flow = new Flow(Transport.valueOf(f[8]), f[9], Integer.parseInt(f[10]), f[11], Integer.parseInt(f[12]));
            return new Binding(aor, contact, Long.parseLong(f[0]), Integer.parseInt(f[2]), f[3], Long.parseLong(f[4]),
                    flow, f[5], Integer.parseInt(f[6]), f[13], f[7], Long.parseLong(f[1]), f[14]);
        } catch (RuntimeException e) {
            throw new IllegalStateException("bad binding for " + aor + " " + contact + ": " + abbreviate(packed), e);
        }
    }

    /** The name of a binding in the expiry and owner indexes: {@code <byte length of aor>:<aor><contact>}. */
    static String indexEntry(String aor, String contact) {
        return utf8Length(aor) + ":" + aor + contact;
    }

    private static void field(StringBuilder sb, String value) {
        if (value == null) {
            sb.append('-');
        } else {
            sb.append(utf8Length(value)).append(':').append(value);
        }
    }

    /** What {@code s.getBytes(UTF_8).length} would say, without the copy. */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) n++;     // unpaired: the encoder writes '?'
            else n += 3;
        }
        return n;
    }

    private static IllegalStateException malformed(String aor, String contact, String packed) {
        return new IllegalStateException("malformed binding for " + aor + " " + contact + ": " + abbreviate(packed));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
