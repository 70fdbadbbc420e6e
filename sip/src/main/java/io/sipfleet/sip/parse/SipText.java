package io.sipfleet.sip.parse;

import java.nio.charset.StandardCharsets;

/** Turning message bytes into Java strings. */
public final class SipText {
    private SipText() {}

    /**
     * The bytes as UTF-8 text, with each folded line break (CRLF + white space) replaced by one
     * space, as RFC 3261 7.3.1 allows a recipient to do. No folding: one String, one copy.
     */
    public static String unfold(byte[] buf, int s, int e) {
        int i = s;
        while (i < e && buf[i] != '\r' && buf[i] != '\n') i++;
        if (i == e) return new String(buf, s, e - s, StandardCharsets.UTF_8);
        byte[] out = new byte[e - s];
        int n = 0;
        for (int k = s; k < e; k++) {
            byte b = buf[k];
            if (b == '\r' || b == '\n') {
                while (k + 1 < e && Chars.isLws(buf[k + 1])) k++;
                // A fold is white space; collapse it with any white space already written.
                while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t')) n--;
                out[n++] = ' ';
                continue;
            }
            out[n++] = b;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Trims leading and trailing LWS of a range: returns {start, end}. */
    static long trim(byte[] buf, int s, int e) {
        while (s < e && Chars.isLws(buf[s])) s++;
        while (e > s && Chars.isLws(buf[e - 1])) e--;
        return ((long) s << 32) | e;
    }

    /**
     * Index of the first comma in {@code b[s, e)} that separates header values: not inside a
     * quoted string or {@code < >}. -1 when the range holds one value.
     */
    public static int firstTopLevelComma(byte[] b, int s, int e) {
        boolean quoted = false, angle = false;
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
            } else if (c == '"') quoted = true;
            else if (c == '<') angle = true;
            else if (c == '>') angle = false;
            else if (c == ',' && !angle) return i;
        }
        return -1;
    }
}
