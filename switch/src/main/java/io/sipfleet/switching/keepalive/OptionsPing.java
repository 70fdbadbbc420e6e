package io.sipfleet.switching.keepalive;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transaction.Branches;
import java.nio.charset.StandardCharsets;

/**
 * Builds the OPTIONS keep-alive of one binding (RFC 3261 11.1, 8.1.1):
 * <pre>
 * OPTIONS &lt;contact URI&gt; SIP/2.0
 * Via: SIP/2.0/&lt;flow transport&gt; &lt;local listener&gt;;branch=z9hG4bK...;rport
 * Max-Forwards: 70
 * To: &lt;AoR&gt;
 * From: &lt;sip:ping@&lt;fromDomain or local listener IP&gt;&gt;;tag=...
 * Call-ID: &lt;the branch's unique part&gt;
 * CSeq: 1 OPTIONS
 * Content-Length: 0
 * </pre>
 * The Request-URI is the Contact as registered (the UA recognises its own URI even when it is a
 * private address); the request itself goes to the flow's source address, see {@link FlowPeers}.
 * The Via names the listener the REGISTER arrived on, so the answer comes back through the same
 * pinhole. The Call-ID reuses the branch (unique per process, random per node) rather than
 * drawing more random numbers per ping.
 *
 * <p>Not thread-safe: one instance per sending thread, its text buffer reused across pings so
 * the only allocations per ping are the message's own bytes and parse.
 */
final class OptionsPing {
    private static final int MAX_FORWARDS = 70;
    private final StringBuilder sb = new StringBuilder(512);

    /** The OPTIONS for {@code b}, with {@code branch} (from {@link Branches#next()}) in its only Via. */
    SipRequest build(Binding b, String branch, String fromDomain) throws SipParseException {
        Flow flow = b.flow();
        String localHost = FlowPeers.uriHost(flow.localIp());
        StringBuilder s = sb;
        s.setLength(0);
        s.append("OPTIONS ");
        appendRequestUri(s, b.contact());
        s.append(" SIP/2.0\r\nVia: SIP/2.0/").append(flow.transport().name()).append(' ')
                .append(localHost).append(':').append(flow.localPort())
                .append(";branch=").append(branch).append(";rport\r\n");
        s.append("Max-Forwards: ").append(MAX_FORWARDS).append("\r\n");
        // RFC 3327: a binding registered through an edge proxy (the dispatcher) is pinged through
        // its Path, like any request for it; the flow is that proxy's address.
        if (b.path() != null) s.append("Route: ").append(b.path()).append("\r\n");
        s.append("To: <").append(b.aor()).append(">\r\n");
        s.append("From: <sip:ping@").append(fromDomain != null ? fromDomain : localHost)
                .append(">;tag=").append(Branches.tag()).append("\r\n");
        s.append("Call-ID: ").append(branch, 7, branch.length()).append("\r\n"); // after z9hG4bK
        s.append("CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        return (SipRequest) SipParser.parse(bytes(s));
    }

    /**
     * The Contact URI as a Request-URI: without '<' '>' should the stored text carry them, and
     * without '?' headers, which a Request-URI must not contain (RFC 3261 19.1.5: they describe
     * the request to build, not its target).
     */
    static void appendRequestUri(StringBuilder s, String contact) {
        int start = 0, end = contact.length();
        if (end > 1 && contact.charAt(0) == '<' && contact.charAt(end - 1) == '>') {
            start = 1;
            end--;
        }
        int q = contact.indexOf('?', start);
        if (q >= 0 && q < end) end = q;
        s.append(contact, start, end);
    }

    /**
     * The text as an exactly sized byte array (so the parser takes it without a copy). ASCII is
     * copied char by char; anything else (a UTF-8 display part of a URI) falls back to the encoder.
     */
    private static byte[] bytes(StringBuilder s) {
        int n = s.length();
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) return s.toString().getBytes(StandardCharsets.UTF_8);
            a[i] = (byte) c;
        }
        return a;
    }
}
