package io.sipfleet.sip.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A sip: or sips: URI (RFC 3261 19.1). {@code user}, {@code password} and parameter values keep
 * their %HH escapes as written: two URIs are compared after decoding (19.1.4), but a proxy
 * forwards what it received. {@code host} keeps the brackets of an IPv6 reference.
 * {@code port} is -1 when absent. {@code headers} is the text after '?', or null.
 */
public record SipUri(boolean secure, String user, String password, String host, int port,
                     Params params, String headers) implements Uri {

    public static SipUri of(String user, String host, int port) {
        return new SipUri(false, user, null, host, port, Params.EMPTY, null);
    }

    @Override public String scheme() { return secure ? "sips" : "sip"; }

    /** The user part with %HH escapes decoded (semiuri: "user;par=u@example.net"). */
    public String decodedUser() { return user == null ? null : decode(user); }

    /** host:port as written, port omitted when absent. */
    public String hostPort() { return port < 0 ? host : host + ":" + port; }

    /** The port to send to when none is given (RFC 3263 4.2 without DNS: 5060, or 5061 for sips/TLS). */
    public int portOrDefault() {
        if (port >= 0) return port;
        return secure || "tls".equalsIgnoreCase(transport()) ? 5061 : 5060;
    }

    public String param(String name) { return params.get(name); }

    public String transport() { return params.get("transport"); }

    public String maddr() { return params.get("maddr"); }

    /** Loose routing (RFC 3261 16.4): a Route URI with ;lr. */
    public boolean lr() { return params.has("lr"); }

    public boolean isIpv6() { return host.startsWith("["); }

    public SipUri withUser(String u) { return new SipUri(secure, u, password, host, port, params, headers); }

    public SipUri withHost(String h) { return new SipUri(secure, user, password, h, port, params, headers); }

    public SipUri withPort(int p) { return new SipUri(secure, user, password, host, p, params, headers); }

    public SipUri withParam(String name, String value) {
        return new SipUri(secure, user, password, host, port, params.with(name, value), headers);
    }

    public SipUri withoutParam(String name) {
        return new SipUri(secure, user, password, host, port, params.without(name), headers);
    }

    public SipUri withoutHeaders() { return new SipUri(secure, user, password, host, port, params, null); }

    /** The address-of-record key of this URI: scheme:user@host, lower-case host, no port, no params. */
    public String aor() {
        String u = user == null ? "" : decodedUser() + "@";
        return scheme() + ":" + u + host.toLowerCase(java.util.Locale.ROOT);
    }

    void appendTo(StringBuilder sb) {
        sb.append(secure ? "sips:" : "sip:");
        if (user != null) {
            sb.append(user);
            if (password != null) sb.append(':').append(password);
            sb.append('@');
        }
        sb.append(host);
        if (port >= 0) sb.append(':').append(port);
        params.appendTo(sb);
        if (headers != null) sb.append('?').append(headers);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(48);
        appendTo(sb);
        return sb.toString();
    }

    /** Percent-decoding of URI components (UTF-8). Invalid escapes are kept literally. */
    public static String decode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
