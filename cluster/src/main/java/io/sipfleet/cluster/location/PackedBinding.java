package io.sipfleet.cluster.location;

import io.sipfleet.sip.transport.Transport;

import java.nio.charset.StandardCharsets;

/**
 * The text form of a binding in the Redis store: the value of its contact's field in the AoR hash.
 * Format 2 puts what the Lua scripts read first, as decimal text one {@code string.match} takes
 * apart, with the byte lengths of the three text fields they compare:
 * <pre>
 *   "2;" expiresAt ";" registeredAt ";" cseq ";" regId ";" q ";" len(callId) ";" len(memberId) ";"
 *        (len(instanceId) or "-") ";"  callId memberId instanceId
 *        transport sourceIp sourcePort localIp localPort userAgent path
 * </pre>
 * where each of the last seven is {@code <byte length>:<bytes>} or {@code -} for null. Lengths
 * are in UTF-8 bytes (Lua counts bytes), so any character may appear in a field (a User-Agent is
 * whatever the phone sent), and the text stays readable in {@code redis-cli}. The register script
 * writes the two times (Redis's clock) in front of what {@link #afterTimes} encoded here, once per
 * contact. The AoR and the contact are not repeated: they are the hash's key and field.
 *
 * <p>Format 1 ({@code "1;"}, then the fields in the order expiresAt, registeredAt, q, callId, cseq,
 * instanceId, regId, memberId, transport..path, each {@code <len>:<bytes>} or {@code -}) is still
 * read, by the scripts and here, so bindings stored before an upgrade work until their next
 * refresh rewrites them. The scripts walked its fields one by one: a third of the register
 * script's time in Redis.
 */
final class PackedBinding {
    static final String VERSION = "2;";

    private PackedBinding() {}

    /** Everything after {@code "2;" expiresAt ";" registeredAt ";"} of the binding {@code cu} of request {@code r} writes. */
    static String afterTimes(RegisterRequest r, ContactUpdate cu) {
        StringBuilder sb = new StringBuilder(160);
        appendAfterTimes(sb, r.cseq(), cu.regId(), cu.q(), r.callId(), r.memberId(), cu.instanceId(), r.flow(),
                r.userAgent(), r.path());
        return sb.toString();
    }

    /** A whole packed binding (the scripts build their own; this is for tests and tools). */
    static String encode(Binding b) {
        StringBuilder sb = new StringBuilder(VERSION);
        sb.append(b.expiresAtMillis()).append(';').append(b.registeredAtMillis()).append(';');
        appendAfterTimes(sb, b.cseq(), b.regId(), b.q(), b.callId(), b.memberId(), b.instanceId(), b.flow(),
                b.userAgent(), b.path());
        return sb.toString();
    }

    private static void appendAfterTimes(StringBuilder sb, long cseq, int regId, int q, String callId, String memberId,
                                         String instanceId, Flow f, String userAgent, String path) {
        sb.append(cseq).append(';').append(regId).append(';').append(q).append(';')
                .append(utf8Length(callId)).append(';').append(utf8Length(memberId)).append(';');
        if (instanceId == null) sb.append('-');
        else sb.append(utf8Length(instanceId));
        sb.append(';').append(callId).append(memberId);
        if (instanceId != null) sb.append(instanceId);
        field(sb, f.transport().name());
        field(sb, f.sourceIp());
        field(sb, Integer.toString(f.sourcePort()));
        field(sb, f.localIp());
        field(sb, Integer.toString(f.localPort()));
        field(sb, userAgent);
        field(sb, path);
    }

    static Binding decode(String aor, String contact, String packed) {
        byte[] p = packed.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 2 && p[0] == '2' && p[1] == ';') return decode2(aor, contact, packed, p);
        if (p.length < 2 || p[0] != '1' || p[1] != ';') {
            throw new IllegalStateException("unknown binding format for " + aor + " " + contact + ": " + abbreviate(packed));
        }
        String[] f = new String[15];
        if (fields(aor, contact, packed, p, 2, f) != p.length) throw malformed(aor, contact, packed);
        try {
            Flow flow = new Flow(Transport.valueOf(f[8]), f[9], Integer.parseInt(f[10]), f[11], Integer.parseInt(f[12]));
            return new Binding(aor, contact, Long.parseLong(f[0]), Integer.parseInt(f[2]), f[3], Long.parseLong(f[4]),
                    flow, f[5], Integer.parseInt(f[6]), f[13], f[7], Long.parseLong(f[1]), f[14]);
        } catch (RuntimeException e) {
            throw new IllegalStateException("bad binding for " + aor + " " + contact + ": " + abbreviate(packed), e);
        }
    }

    private static Binding decode2(String aor, String contact, String packed, byte[] p) {
        // expiresAt registeredAt cseq regId q len(callId) len(memberId) len(instanceId)|- : eight
        // numbers, each ended by ';'. Where they parse, they are ASCII, so these char offsets are
        // byte offsets too.
        int[] end = new int[8];
        for (int i = 0, from = 2; i < end.length; from = end[i++] + 1) {
            end[i] = packed.indexOf(';', from);
            if (end[i] < 0) throw malformed(aor, contact, packed);
        }
        try {
            boolean noInstance = end[7] == end[6] + 2 && packed.charAt(end[6] + 1) == '-';
            int callIdLen = Integer.parseInt(packed, end[4] + 1, end[5], 10);
            int memberLen = Integer.parseInt(packed, end[5] + 1, end[6], 10);
            int instanceLen = noInstance ? 0 : Integer.parseInt(packed, end[6] + 1, end[7], 10);
            int pos = end[7] + 1;
            if (callIdLen < 0 || memberLen < 0 || instanceLen < 0
                    || (long) callIdLen + memberLen + instanceLen > p.length - pos) {
                throw malformed(aor, contact, packed);
            }
            int memberAt = pos + callIdLen, instanceAt = memberAt + memberLen;
            String callId = new String(p, pos, callIdLen, StandardCharsets.UTF_8);
            String memberId = new String(p, memberAt, memberLen, StandardCharsets.UTF_8);
            String instanceId = noInstance ? null : new String(p, instanceAt, instanceLen, StandardCharsets.UTF_8);
            String[] f = new String[7];
            if (fields(aor, contact, packed, p, instanceAt + instanceLen, f) != p.length) throw malformed(aor, contact, packed);
            Flow flow = new Flow(Transport.valueOf(f[0]), f[1], Integer.parseInt(f[2]), f[3], Integer.parseInt(f[4]));
            return new Binding(aor, contact, Long.parseLong(packed, 2, end[0], 10),
                    Integer.parseInt(packed, end[3] + 1, end[4], 10), callId, Long.parseLong(packed, end[1] + 1, end[2], 10),
                    flow, instanceId, Integer.parseInt(packed, end[2] + 1, end[3], 10), f[5], memberId,
                    Long.parseLong(packed, end[0] + 1, end[1], 10), f[6]);
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException("bad binding for " + aor + " " + contact + ": " + abbreviate(packed), e);
        }
    }

    /** Reads {@code f.length} fields {@code <len>:<bytes>} or {@code -} from {@code pos} into {@code f}; returns the end. */
    private static int fields(String aor, String contact, String packed, byte[] p, int pos, String[] f) {
        for (int i = 0; i < f.length; i++) {
            if (pos >= p.length) throw malformed(aor, contact, packed);
            if (p[pos] == '-') {
                pos++;
                continue;
            }
            int len = 0, start = pos;
            while (pos < p.length && p[pos] >= '0' && p[pos] <= '9' && pos - start < 9) len = len * 10 + (p[pos++] - '0');
            if (pos == start || pos >= p.length || p[pos] != ':' || pos + 1 + len > p.length) throw malformed(aor, contact, packed);
            f[i] = new String(p, pos + 1, len, StandardCharsets.UTF_8);
            pos += 1 + len;
        }
        return pos;
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
