package io.sipfleet.sip.parse;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over one header value (or one URI) inside the message bytes. Folded lines arrive
 * here unchanged: CR and LF inside a value are linear white space, because framing already
 * checked that every line break in a value is followed by SP or HTAB.
 *
 * <p>Errors name the header being parsed ({@code what}) and the absolute offset.
 */
final class Scanner {
    final byte[] buf;
    int pos;
    final int end;
    final String what;

    Scanner(byte[] buf, int start, int end, String what) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.what = what;
    }

    boolean atEnd() { return pos >= end; }

    int peek() { return pos < end ? buf[pos] & 0xff : -1; }

    void skipLws() {
        while (pos < end && Chars.isLws(buf[pos])) pos++;
    }

    /** Skips LWS and reports whether the next byte is {@code c} (then consumed). */
    boolean accept(char c) {
        skipLws();
        if (pos < end && buf[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(char c, String context) throws SipParseException {
        if (!accept(c)) throw error("expected '" + c + "' " + context);
    }

    /** A token (RFC 3261 25.1), after optional LWS. Empty token is an error. */
    String token(String context) throws SipParseException {
        skipLws();
        int s = pos;
        while (pos < end && Chars.isToken(buf[pos])) pos++;
        if (pos == s) throw error("expected " + context);
        return ascii(s, pos);
    }

    /** A quoted-string's content with its backslash escapes resolved; the opening '"' is next. */
    String quoted(String context) throws SipParseException {
        skipLws();
        int open = pos;
        if (pos >= end || buf[pos] != '"') throw error("expected '\"' to open " + context);
        pos++;
        StringBuilder sb = null;
        int s = pos;
        while (pos < end) {
            byte b = buf[pos];
            if (b == '"') {
                String v = sb == null ? text(s, pos) : sb.append(text(s, pos)).toString();
                pos++;
                return v;
            }
            if (b == '\\') {
                if (pos + 1 >= end) break;
                if (sb == null) sb = new StringBuilder();
                sb.append(text(s, pos));
                pos++;
                // quoted-pair allows any octet but CR and LF (0x0A, 0x0D)
                byte q = buf[pos];
                if (q == '\r' || q == '\n') throw error("line break escaped in " + context);
                sb.append((char) (q & 0xff));
                pos++;
                s = pos;
                continue;
            }
            pos++;
        }
        throw new SipParseException(open, "Bad " + what + ": unterminated quoted string in " + context);
    }

    /** Digits as a non-negative long; fails above {@code max} with the given name. */
    long number(String context, long max) throws SipParseException {
        skipLws();
        int s = pos;
        long v = 0;
        while (pos < end && Chars.isDigit(buf[pos])) {
            v = v * 10 + (buf[pos] - '0');
            if (v > max) throw error(context + " above " + max);
            pos++;
        }
        if (pos == s) throw error("expected digits for " + context);
        return v;
    }

    SipParseException error(String problem) {
        String at = pos < end ? " near " + Chars.describe(buf[pos]) : " at end of value";
        return new SipParseException(pos, "Bad " + what + ": " + problem + at);
    }

    String ascii(int s, int e) {
        return Tokens.ascii(buf, s, e);
    }

    /** UTF-8 text with folded line breaks turned into single spaces (RFC 3261 7.3.1). */
    String text(int s, int e) {
        return SipText.unfold(buf, s, e);
    }
}
