package io.sipfleet.sip.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Splits a Digest header value into its parameters. Shared by credentials (Authorization,
 * Proxy-Authorization) and challenges (WWW-Authenticate, Proxy-Authenticate), which have the same
 * shape in RFC 3261 section 25.1:
 *
 * <pre>
 *   "Digest" LWS auth-param *(COMMA auth-param)
 *   auth-param = token EQUAL ( token / quoted-string )
 *   EQUAL = SWS "=" SWS      COMMA = SWS "," SWS      LWS = [*WSP CRLF] 1*WSP
 * </pre>
 *
 * Names are lowercased (RFC 7616 section 3.3/3.4 and RFC 3261 section 7.3.1: parameter names are
 * case-insensitive); values keep their case. Duplicates are rejected rather than "last wins",
 * because two differing nonce or response values in one header can only be a smuggling attempt.
 */
final class AuthParams {

    private final String header;
    private final String s;
    private int pos;

    private AuthParams(String header, String s) {
        this.header = header;
        this.s = s;
    }

    /**
     * Receives the parameters of one header value in order. {@code name} is the parameter name as
     * sent, {@code [nameStart, nameEnd)} of {@code value}: a sink compares it without allocating a
     * lowercased copy (see {@link #nameIs}).
     */
    interface Sink {
        void param(String value, int nameStart, int nameEnd, String paramValue) throws DigestParseException;
    }

    /** The parameters of {@code value}, keyed by lowercase name; the scheme must be Digest. */
    static Map<String, String> parse(String header, String value) throws DigestParseException {
        Map<String, String> params = new HashMap<>();
        parse(header, value, (v, start, end, paramValue) -> {
            String name = v.substring(start, end).toLowerCase(Locale.ROOT);
            if (params.putIfAbsent(name, paramValue) != null) {
                throw new DigestParseException(header + ": duplicate parameter '" + name + "'");
            }
        });
        return params;
    }

    /**
     * Feeds the parameters of {@code value} to {@code sink} in order; the scheme must be Digest.
     * The sink decides about duplicates (a map would silently keep one of them).
     */
    static void parse(String header, String value, Sink sink) throws DigestParseException {
        if (value == null || value.isBlank()) {
            throw new DigestParseException(header + ": empty header value");
        }
        new AuthParams(header, value).parseAll(sink);
    }

    /** Whether the parameter name {@code [start, end)} of {@code value} is {@code lowerName}, ignoring case. */
    static boolean nameIs(String value, int start, int end, String lowerName) {
        return end - start == lowerName.length() && value.regionMatches(true, start, lowerName, 0, lowerName.length());
    }

    private void parseAll(Sink sink) throws DigestParseException {
        skipLws();
        int schemeStart = pos;
        String scheme = token();
        if (scheme.isEmpty()) {
            throw error("expected auth scheme at offset " + schemeStart + ", found " + found());
        }
        if (!scheme.equalsIgnoreCase("Digest")) {
            throw new DigestParseException(header + ": scheme '" + scheme + "' is not Digest");
        }
        int afterScheme = pos;
        skipLws();
        if (pos == s.length()) {
            throw error("no parameters after 'Digest'");
        }
        if (pos == afterScheme) {
            throw error("expected whitespace after 'Digest' at offset " + pos + ", found " + found());
        }
        while (pos < s.length()) {
            int nameStart = pos;
            skipToken();
            int nameEnd = pos;
            if (nameEnd == nameStart) {
                throw error("expected parameter name at offset " + nameStart + ", found " + found());
            }
            skipLws();
            if (!consume('=')) {
                throw error("expected '=' after parameter '" + name(nameStart, nameEnd) + "' at offset " + pos
                        + ", found " + found());
            }
            skipLws();
            sink.param(s, nameStart, nameEnd, value(nameStart, nameEnd));
            skipLws();
            if (pos == s.length()) {
                break;
            }
            if (!consume(',')) {
                throw error("expected ',' after parameter '" + name(nameStart, nameEnd) + "' at offset " + pos
                        + ", found " + found());
            }
            // Empty list elements ("a=1, ,b=2" or a trailing comma) carry nothing; RFC 7230
            // section 7 asks recipients to accept them, and some phones emit a trailing comma.
            do {
                skipLws();
            } while (consume(','));
        }
    }

    /** The lowercase name for an error message (only built when there is an error to tell). */
    private String name(int start, int end) {
        return s.substring(start, end).toLowerCase(Locale.ROOT);
    }

    private String value(int nameStart, int nameEnd) throws DigestParseException {
        if (pos < s.length() && s.charAt(pos) == '"') {
            return quotedString(nameStart, nameEnd);
        }
        int start = pos;
        String token = token();
        if (token.isEmpty()) {
            throw error("expected value for parameter '" + name(nameStart, nameEnd) + "' at offset " + start
                    + ", found " + found());
        }
        return token;
    }

    /** RFC 3261 section 25.1: DQUOTE *(qdtext / quoted-pair) DQUOTE, backslash escapes. */
    private String quotedString(int nameStart, int nameEnd) throws DigestParseException {
        int open = pos++;
        // Fast path, what phones send: plain qdtext up to the closing quote, one substring.
        for (int i = pos, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return s.substring(open + 1, i);
            }
            if (c == '\\' || c < 0x20 || c == 0x7f) break; // escapes, folds, controls: the full rules below
        }
        StringBuilder out = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (pos == s.length()) {
                    break;
                }
                char escaped = s.charAt(pos++);
                // RFC 9110 section 5.6.4 narrows quoted-pair to HTAB, SP, VCHAR and obs-text:
                // an escaped control character would reach logs and re-rendered headers.
                if ((escaped < 0x20 && escaped != '\t') || escaped == 0x7f) {
                    throw error(String.format("escaped control character U+%04X in quoted-string of"
                            + " parameter '%s' at offset %d", (int) escaped, name(nameStart, nameEnd), pos - 1));
                }
                out.append(escaped);
            } else if (c == '\r' || c == '\n') {
                // A fold inside a quoted-string is LWS (qdtext includes LWS); the recipient may
                // replace it by a single SP (RFC 3261 section 7.3.1). A bare line break is not LWS.
                pos--;
                int before = pos;
                skipLws();
                if (pos == before || !isWsp(s.charAt(pos - 1))) {
                    throw error("line break not followed by whitespace in quoted-string of parameter '"
                            + name(nameStart, nameEnd) + "' at offset " + before);
                }
                out.append(' ');
            } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw error(String.format("control character U+%04X in quoted-string of parameter '%s'"
                        + " at offset %d", (int) c, name(nameStart, nameEnd), pos - 1));
            } else {
                out.append(c);
            }
        }
        throw error("unterminated quoted-string for parameter '" + name(nameStart, nameEnd) + "' starting at offset " + open);
    }

    private String token() {
        int start = pos;
        skipToken();
        return s.substring(start, pos);
    }

    private void skipToken() {
        while (pos < s.length() && isTokenChar(s.charAt(pos))) {
            pos++;
        }
    }

    /**
     * SIP token characters (RFC 3261 section 25.1) plus the few extra HTTP tchar characters
     * (RFC 9110 section 5.6.2) since UAs that share an HTTP stack produce them in unquoted values.
     */
    private static boolean isTokenChar(char c) {
        return c < 128 && TOKEN[c];
    }

    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            TOKEN[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-.!%*_+`'~#$&^|".indexOf(c) >= 0;
        }
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** Skips LWS including folds (CRLF, or a lone LF as lenient parsers accept, then WSP). */
    private void skipLws() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (isWsp(c)) {
                pos++;
            } else if (c == '\r' && pos + 2 < s.length() && s.charAt(pos + 1) == '\n'
                    && isWsp(s.charAt(pos + 2))) {
                pos += 3;
            } else if (c == '\n' && pos + 1 < s.length() && isWsp(s.charAt(pos + 1))) {
                pos += 2;
            } else {
                return;
            }
        }
    }

    private boolean consume(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private String found() {
        if (pos >= s.length()) {
            return "end of value";
        }
        char c = s.charAt(pos);
        return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    private DigestParseException error(String what) {
        return new DigestParseException(header + ": " + what);
    }
}
