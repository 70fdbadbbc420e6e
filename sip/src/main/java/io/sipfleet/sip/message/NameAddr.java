package io.sipfleet.sip.message;

/**
 * One value of From, To, Contact, Route, Record-Route, Reply-To ...: an optional display name,
 * a URI and the header parameters (tag, expires, q ...). {@code displayName} is the text without
 * quotes or escapes, null when absent. Rendering always uses the name-addr form
 * ({@code <uri>}), which is valid for every URI (RFC 3261 20.10).
 */
public record NameAddr(String displayName, Uri uri, Params params) {

    public static NameAddr of(Uri uri) { return new NameAddr(null, uri, Params.EMPTY); }

    public String tag() { return params.get("tag"); }

    public NameAddr withTag(String tag) { return new NameAddr(displayName, uri, params.with("tag", tag)); }

    public NameAddr withParam(String name, String value) {
        return new NameAddr(displayName, uri, params.with(name, value));
    }

    public NameAddr withUri(Uri u) { return new NameAddr(displayName, u, params); }

    /** The URI as a SIP URI, or null for tel: and other schemes. */
    public SipUri sipUri() { return uri instanceof SipUri s ? s : null; }

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
        if (uri instanceof SipUri s) s.appendTo(sb); else sb.append(uri);
        sb.append('>');
        params.appendTo(sb);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(64);
        appendTo(sb);
        return sb.toString();
    }
}
