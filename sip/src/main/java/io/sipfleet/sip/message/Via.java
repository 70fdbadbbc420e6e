package io.sipfleet.sip.message;

/**
 * One Via value (RFC 3261 20.42): {@code SIP/2.0/UDP host:port;params}. {@code port} is -1 when
 * the sent-by has none; {@code host} keeps IPv6 brackets.
 */
public record Via(String protocol, String transport, String host, int port, Params params) {

    /** The branch prefix of RFC 3261 transactions (8.1.1.7). */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    public static Via of(String transport, String host, int port, String branch) {
        return new Via("SIP/2.0", transport, host, port, Params.of("branch", branch));
    }

    public String branch() { return params.get("branch"); }

    /** True when the branch starts with the magic cookie and has more after it (RFC 4475 3.2.1). */
    public boolean hasRfc3261Branch() {
        String b = branch();
        return b != null && b.length() > MAGIC_COOKIE.length() && b.startsWith(MAGIC_COOKIE);
    }

    public String received() { return params.get("received"); }

    /** RFC 3581: the client asked for the source port (rport present, with or without value). */
    public boolean hasRport() { return params.has("rport"); }

    /** The rport value a server filled in, or -1. */
    public int rport() {
        String v = params.get("rport");
        if (v == null || v.isEmpty()) return -1;
        try { return Integer.parseInt(v); } catch (NumberFormatException e) { return -1; }
    }

    public String maddr() { return params.get("maddr"); }

    public int ttl() {
        String v = params.get("ttl");
        try { return v == null ? -1 : Integer.parseInt(v); } catch (NumberFormatException e) { return -1; }
    }

    /** The port to answer to when the Via has none (RFC 3261 18.2.2): 5060, or 5061 for TLS. */
    public int portOrDefault() {
        if (port >= 0) return port;
        return "TLS".equalsIgnoreCase(transport) || "WSS".equalsIgnoreCase(transport) ? 5061 : 5060;
    }

    public boolean isReliable() {
        return !"UDP".equalsIgnoreCase(transport);
    }

    public Via withParam(String name, String value) {
        return new Via(protocol, transport, host, port, params.with(name, value));
    }

    public String sentBy() { return port < 0 ? host : host + ":" + port; }

    public void appendTo(StringBuilder sb) {
        sb.append(protocol).append('/').append(transport).append(' ').append(host);
        if (port >= 0) sb.append(':').append(port);
        params.appendTo(sb);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(64);
        appendTo(sb);
        return sb.toString();
    }
}
