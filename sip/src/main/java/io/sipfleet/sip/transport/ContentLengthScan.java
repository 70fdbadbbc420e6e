package io.sipfleet.sip.transport;

import io.netty.buffer.ByteBuf;

/**
 * Reads Content-Length (or its compact form {@code l}, any case; RFC 3261 7.3.3, 20.14) from a
 * header section still in the connection's buffer, without copying or parsing anything else:
 * over a stream it is the only way to know where a message ends (RFC 3261 18.3).
 */
final class ContentLengthScan {
    private ContentLengthScan() {}

    static final long ABSENT = -1;
    /** Not a non-negative decimal number (RFC 4475 3.1.2.8 "ncl": a negative value). */
    static final long INVALID = -2;
    /** Two Content-Length headers with different values (RFC 4475 3.1.2.16 "mcl01" has several). */
    static final long CONFLICT = -3;
    /** A value this large is treated as "larger than anything we accept". */
    static final long HUGE = 1L << 40;

    /**
     * The Content-Length of the header section {@code buf[from, to)} (start line included, ending
     * with the empty line), or {@link #ABSENT}, {@link #INVALID}, {@link #CONFLICT}. Folded
     * continuation lines (RFC 3261 7.3.1) belong to the value above them.
     */
    static long scan(ByteBuf buf, int from, int to) {
        long found = ABSENT;
        int p = nextLine(buf, from, to); // skip the start line
        while (p < to) {
            int le = lineEnd(buf, p, to);
            if (le == p) break; // the empty line
            int n = p;
            while (n < le && isToken(buf.getByte(n))) n++;
            int c = n;
            while (c < le && (buf.getByte(c) == ' ' || buf.getByte(c) == '\t')) c++;
            int valueEnd = le, q = nextLine(buf, le, to);
            while (q < to && (buf.getByte(q) == ' ' || buf.getByte(q) == '\t')) { // folded value
                valueEnd = lineEnd(buf, q, to);
                q = nextLine(buf, valueEnd, to);
            }
            if (c < le && buf.getByte(c) == ':' && isContentLength(buf, p, n)) {
                long v = value(buf, c + 1, valueEnd);
                if (v == INVALID) return INVALID;
                if (found >= 0 && found != v) return CONFLICT;
                found = v;
            }
            p = q;
        }
        return found;
    }

    private static boolean isContentLength(ByteBuf b, int s, int e) {
        if (e - s == 1) return (b.getByte(s) | 0x20) == 'l';
        if (e - s != 14) return false;
        String name = "content-length";
        for (int i = 0; i < 14; i++) if ((b.getByte(s + i) | 0x20) != name.charAt(i)) return false;
        return true;
    }

    /** Digits, white space (and folding line breaks) around them, nothing else. */
    private static long value(ByteBuf b, int s, int e) {
        long v = 0;
        int digits = 0;
        boolean after = false;
        for (int i = s; i < e; i++) {
            byte c = b.getByte(i);
            if (c >= '0' && c <= '9') {
                if (after) return INVALID; // "1 2"
                v = v < HUGE ? v * 10 + (c - '0') : HUGE;
                digits++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (digits > 0) after = true;
            } else {
                return INVALID;
            }
        }
        return digits == 0 ? INVALID : Math.min(v, HUGE);
    }

    private static int lineEnd(ByteBuf b, int p, int to) {
        while (p < to && b.getByte(p) != '\r' && b.getByte(p) != '\n') p++;
        return p;
    }

    private static int nextLine(ByteBuf b, int p, int to) {
        p = lineEnd(b, p, to);
        if (p < to && b.getByte(p) == '\r') p++;
        if (p < to && b.getByte(p) == '\n') p++;
        return p;
    }

    private static boolean isToken(byte c) {
        return c > ' ' && c < 0x7F && c != ':' && "()<>@,;\\\"/[]?={}".indexOf(c) < 0;
    }
}
