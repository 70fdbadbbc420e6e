package io.sipfleet.sip.auth;

/** Renders quoted-strings for the headers this package produces. */
final class QuotedString {

    private QuotedString() {}

    /**
     * {@code value} as a quoted-string, escaping DQUOTE and backslash (RFC 3261 section 25.1).
     * Control characters cannot be escaped (quoted-pair excludes CR and LF) and a CRLF would let a
     * username inject header lines, so they are refused.
     */
    static String quote(String value) {
        return appendQuoted(new StringBuilder(value.length() + 2), value).toString();
    }

    /** Appends {@code value} to {@code out} as {@link #quote} renders it; returns {@code out}. */
    static StringBuilder appendQuoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException(String.format(
                        "control character U+%04X cannot appear in a quoted-string", (int) c));
            }
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"');
    }
}
