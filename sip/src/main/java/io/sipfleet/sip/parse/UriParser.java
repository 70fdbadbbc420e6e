package io.sipfleet.sip.parse;

import io.sipfleet.sip.message.AbsoluteUri;
import io.sipfleet.sip.message.Params;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.TelUri;
import io.sipfleet.sip.message.Uri;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * URI grammar of RFC 3261 19.1 / 25.1 (sip, sips), RFC 3966 (tel), and RFC 3986 absolute URIs
 * kept as text. The caller cuts the range: a URI never contains white space, '<', '>' or '"'.
 */
public final class UriParser {
    private UriParser() {}

    public static Uri parse(String text) throws SipParseException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length, "URI");
    }

    /** Builds the URI of a range {@link #validate} already accepted. */
    public static Uri parseValidated(byte[] b, int s, int e) {
        try {
            return parse(b, s, e, "URI", true);
        } catch (SipParseException ex) {
            throw new IllegalStateException("validated URI failed to parse: " + ex.getMessage(), ex);
        }
    }

    static Uri parse(byte[] b, int s, int e, String what) throws SipParseException {
        return parse(b, s, e, what, true);
    }

    /** Checks the syntax without building anything (no allocation on success). */
    static void validate(byte[] b, int s, int e, String what) throws SipParseException {
        parse(b, s, e, what, false);
    }

    private static Uri parse(byte[] b, int s, int e, String what, boolean build) throws SipParseException {
        if (s >= e) throw new SipParseException(s, "Bad " + what + ": empty URI");
        for (int i = s; i < e; i++) {
            if (!Chars.isUriChar(b[i]) && (b[i] & 0x80) == 0) {
                throw new SipParseException(i, "Bad " + what + ": " + Chars.describe(b[i]) + " is not allowed in a URI");
            }
        }
        int colon = s;
        while (colon < e && b[colon] != ':') colon++;
        if (colon == e || colon == s) throw new SipParseException(s, "Bad " + what + ": missing URI scheme");
        if (!isAlpha(b[s])) throw new SipParseException(s, "Bad " + what + ": URI scheme must start with a letter");
        for (int i = s + 1; i < colon; i++) {
            int c = b[i];
            if (!isAlpha(c) && !Chars.isDigit(c) && c != '+' && c != '-' && c != '.') {
                throw new SipParseException(i, "Bad " + what + ": " + Chars.describe(c) + " in URI scheme");
            }
        }
        int len = colon - s;
        if (len == 3 && regionIs(b, s, "sip")) return sip(b, colon + 1, e, false, what, build);
        if (len == 4 && regionIs(b, s, "sips")) return sip(b, colon + 1, e, true, what, build);
        if (!build) {
            if (colon + 1 == e) throw new SipParseException(e, "Bad " + what + ": nothing after the URI scheme");
            return null;
        }
        String scheme = new String(b, s, len, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        if (scheme.equals("tel")) return tel(b, colon + 1, e, what);
        if (colon + 1 == e) throw new SipParseException(e, "Bad " + what + ": nothing after '" + scheme + ":'");
        return new AbsoluteUri(scheme, new String(b, colon + 1, e - colon - 1, StandardCharsets.UTF_8));
    }

    private static SipUri sip(byte[] b, int s, int e, boolean secure, String what, boolean build)
            throws SipParseException {
        // userinfo ends at the first '@': '@' is not allowed unescaped in params or headers.
        int at = -1;
        for (int i = s; i < e; i++) if (b[i] == '@') { at = i; break; }
        String user = null, password = null;
        int p = s;
        if (at >= 0) {
            int colon = at;
            for (int i = s; i < at; i++) if (b[i] == ':') { colon = i; break; }
            checkEscapes(b, s, at, what, "user part");
            if (colon == s) throw new SipParseException(s, "Bad " + what + ": empty user part before '@'");
            if (build) {
                user = new String(b, s, colon - s, StandardCharsets.UTF_8);
                if (colon < at) password = new String(b, colon + 1, at - colon - 1, StandardCharsets.UTF_8);
            }
            p = at + 1;
        }
        int hostStart = p;
        if (p < e && b[p] == '[') {
            while (p < e && b[p] != ']') {
                int c = b[p];
                if (p > hostStart && !Chars.isHex(c) && c != ':' && c != '.') {
                    throw new SipParseException(p, "Bad " + what + ": " + Chars.describe(c) + " in IPv6 reference");
                }
                p++;
            }
            if (p == e) throw new SipParseException(hostStart, "Bad " + what + ": IPv6 reference without ']'");
            p++;
        } else {
            while (p < e && Chars.isHost(b[p])) p++;
        }
        if (p == hostStart) throw new SipParseException(p, "Bad " + what + ": missing host");
        int hostEnd = p;
        int port = -1;
        if (p < e && b[p] == ':') {
            p++;
            int ps = p;
            port = 0;
            while (p < e && Chars.isDigit(b[p]) && port <= 65535) port = port * 10 + (b[p++] - '0');
            if (p == ps || port > 65535 || (p < e && b[p] != ';' && b[p] != '?')) {
                throw new SipParseException(ps, "Bad " + what + ": port is not a number from 0 to 65535"
                        + (b[hostStart] != '[' && hasColon(b, ps, e) ? " (an IPv6 address must be enclosed in [ ])" : ""));
            }
        }
        Params params = Params.EMPTY;
        if (p < e && b[p] == ';') {
            Params.Builder pb = build ? new Params.Builder() : null;
            while (p < e && b[p] == ';') {
                int ns = ++p;
                while (p < e && b[p] != ';' && b[p] != '?' && b[p] != '=') p++;
                if (p == ns) throw new SipParseException(ns, "Bad " + what + ": empty URI parameter");
                int nameEnd = p, vs = -1;
                if (p < e && b[p] == '=') {
                    vs = ++p;
                    while (p < e && b[p] != ';' && b[p] != '?') p++;
                }
                checkEscapes(b, ns, p, what, "URI parameter");
                if (build) {
                    pb.add(new String(b, ns, nameEnd - ns, StandardCharsets.UTF_8),
                            vs < 0 ? null : new String(b, vs, p - vs, StandardCharsets.UTF_8));
                }
            }
            if (build) params = pb.build();
        }
        String headers = null;
        if (p < e && b[p] == '?') {
            if (build) headers = new String(b, p + 1, e - p - 1, StandardCharsets.UTF_8);
            p = e;
        }
        if (p != e) throw new SipParseException(p, "Bad " + what + ": unexpected " + Chars.describe(b[p]) + " after host");
        if (!build) return null;
        String host = new String(b, hostStart, hostEnd - hostStart, StandardCharsets.US_ASCII);
        return new SipUri(secure, user, password, host, port, params, headers);
    }

    private static TelUri tel(byte[] b, int s, int e, String what) throws SipParseException {
        int p = s;
        while (p < e && b[p] != ';') p++;
        if (p == s) throw new SipParseException(s, "Bad " + what + ": tel URI without a number");
        String number = new String(b, s, p - s, StandardCharsets.US_ASCII);
        Params.Builder pb = new Params.Builder();
        while (p < e) {
            int ns = ++p;
            while (p < e && b[p] != ';' && b[p] != '=') p++;
            if (p == ns) throw new SipParseException(ns, "Bad " + what + ": empty tel URI parameter");
            String name = new String(b, ns, p - ns, StandardCharsets.US_ASCII);
            String value = null;
            if (p < e && b[p] == '=') {
                int vs = ++p;
                while (p < e && b[p] != ';') p++;
                value = new String(b, vs, p - vs, StandardCharsets.UTF_8);
            }
            pb.add(name, value);
        }
        return new TelUri(number, pb.build());
    }

    private static void checkEscapes(byte[] b, int s, int e, String what, String part) throws SipParseException {
        for (int i = s; i < e; i++) {
            if (b[i] == '%' && (i + 2 >= e || !Chars.isHex(b[i + 1]) || !Chars.isHex(b[i + 2]))) {
                throw new SipParseException(i, "Bad " + what + ": '%' not followed by two hex digits in " + part);
            }
        }
    }

    private static boolean hasColon(byte[] b, int s, int e) {
        for (int i = s; i < e && b[i] != ';' && b[i] != '?'; i++) if (b[i] == ':') return true;
        return false;
    }

    private static boolean isAlpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

    private static boolean regionIs(byte[] b, int s, String lower) {
        for (int i = 0; i < lower.length(); i++) if ((b[s + i] | 0x20) != lower.charAt(i)) return false;
        return true;
    }
}
