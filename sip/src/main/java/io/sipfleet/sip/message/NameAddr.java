package io.sipfleet.sip.message;

import java.util.Objects;

/**
 * One value of From, To, Contact, Route, Record-Route, Reply-To ...: an optional display name,
 * a URI and the header parameters (tag, expires, q ...). {@code displayName} is the text without
 * quotes or escapes, null when absent. Rendering always uses the name-addr form
 * ({@code <uri>}), which is valid for every URI (RFC 3261 20.10).
 *
 * <p>The parser validates the URI's syntax up front but builds the {@link Uri} object only when
 * {@link #uri()} is first called: a proxy reads From and To tags on every message, their URIs
 * rarely. Immutable; the lazily built URI is itself immutable, so the benign race of two
 * threads building it at once is harmless.
 */
public final class NameAddr {
    private final String displayName;
    private final Params params;
    private Uri uri;
    private final byte[] raw; // where the validated, not yet built URI lies
    private final int rawStart, rawEnd;

    public NameAddr(String displayName, Uri uri, Params params) {
        this.displayName = displayName;
        this.uri = Objects.requireNonNull(uri, "uri");
        this.params = params;
        this.raw = null;
        this.rawStart = this.rawEnd = 0;
    }

    private NameAddr(String displayName, byte[] raw, int rawStart, int rawEnd, Params params) {
        this.displayName = displayName;
        this.params = params;
        this.raw = raw;
        this.rawStart = rawStart;
        this.rawEnd = rawEnd;
    }

    /** For the parser: the URI bytes {@code raw[start, end)} are already known to be a valid URI. */
    public static NameAddr ofValidated(String displayName, byte[] raw, int start, int end, Params params) {
        return new NameAddr(displayName, raw, start, end, params);
    }

    public static NameAddr of(Uri uri) { return new NameAddr(null, uri, Params.EMPTY); }

    public String displayName() { return displayName; }

    public Params params() { return params; }

    public Uri uri() {
        Uri u = uri;
        if (u == null) {
            u = io.sipfleet.sip.parse.UriParser.parseValidated(raw, rawStart, rawEnd);
            uri = u;
        }
        return u;
    }

    public String tag() { return params.get("tag"); }

    /** A copy with {@code ;tag=}; a URI not built yet stays unbuilt (responses tag To on every call). */
    public NameAddr withTag(String tag) {
        if (uri == null) return new NameAddr(displayName, raw, rawStart, rawEnd, params.with("tag", tag));
        return new NameAddr(displayName, uri, params.with("tag", tag));
    }

    public NameAddr withParam(String name, String value) {
        return new NameAddr(displayName, uri(), params.with(name, value));
    }

    public NameAddr withUri(Uri u) { return new NameAddr(displayName, u, params); }

    /** The URI as a SIP URI, or null for tel: and other schemes. */
    public SipUri sipUri() { return uri() instanceof SipUri s ? s : null; }

    /** Contact's expires parameter in seconds, or -1 when absent or not a number. */
    public long expires() {
        String v = params.get("expires");
        if (v == null || v.isEmpty() || v.length() > 10) return -1;
        for (int i = 0; i < v.length(); i++) if (!Character.isDigit(v.charAt(i))) return -1;
        return Long.parseLong(v);
    }

    /** Contact's q-value in thousandths (q=0.5 is 500), or -1 when absent or malformed. */
    public int q() {
        String v = params.get("q");
        if (v == null) return -1;
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
        if (v.isEmpty() || (v.charAt(0) != '0' && v.charAt(0) != '1')) return -1;
        int q = (v.charAt(0) - '0') * 1000, scale = 100;
        if (v.length() > 1) {
            if (v.charAt(1) != '.' || v.length() > 5) return -1;
            for (int i = 2; i < v.length(); i++, scale /= 10) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') return -1;
                q += (c - '0') * scale;
            }
        }
        return q <= 1000 ? q : -1;
    }

    public void appendTo(StringBuilder sb) {
        if (displayName != null) {
            sb.append('"');
            for (int i = 0; i < displayName.length(); i++) {
                char c = displayName.charAt(i);
                if (c == '"' || c == '\\') sb.append('\\');
                sb.append(c);
            }
            sb.append("\" ");
        }
        sb.append('<');
        if (uri() instanceof SipUri s) s.appendTo(sb); else sb.append(uri());
        sb.append('>');
        params.appendTo(sb);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(64);
        appendTo(sb);
        return sb.toString();
    }

    @Override public boolean equals(Object o) {
        return o instanceof NameAddr n && Objects.equals(displayName, n.displayName) && uri().equals(n.uri())
                && params.equals(n.params);
    }

    @Override public int hashCode() { return Objects.hash(displayName, uri(), params); }
}
