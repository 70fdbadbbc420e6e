package io.sipfleet.switching.upstream;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The REGISTER of an upstream registration (RFC 3261 10.2):
 * <pre>
 * REGISTER &lt;registrar URI&gt; SIP/2.0
 * Via: SIP/2.0/UDP &lt;listener&gt;;branch=...;rport
 * Max-Forwards: 70
 * From: &lt;sip:username@registrar host&gt;;tag=...
 * To: &lt;sip:username@registrar host&gt;
 * Call-ID: &lt;one per registration, kept across refreshes&gt;
 * CSeq: &lt;n&gt; REGISTER
 * Contact: &lt;sip:username@listener&gt;;expires=&lt;s&gt;
 * Expires: &lt;s&gt;
 * [Authorization | Proxy-Authorization: Digest ...]
 * User-Agent: sipfleet
 * Content-Length: 0
 * </pre>
 * The Call-ID stays the same for every REGISTER of one registration and CSeq grows (10.2: the
 * registrar orders the refreshes by it). The Contact names the listener, so the carrier's calls
 * arrive at this switch with the username as the Request-URI's user part.
 */
record RegisterBuilder(String requestUri, String aor, String username, InetSocketAddress listener, String callId,
                       String fromTag) {

    /** {@code sip:username@ip:port} of this switch's listener: the Contact registered. */
    String contactUri() {
        return "sip:" + username + "@" + hostPort(listener);
    }

    SipRequest build(String branch, long cseq, int expires, String authHeader, String authValue) throws SipParseException {
        StringBuilder s = new StringBuilder(512);
        s.append("REGISTER ").append(requestUri).append(" SIP/2.0\r\n");
        s.append("Via: SIP/2.0/UDP ").append(hostPort(listener)).append(";branch=").append(branch).append(";rport\r\n");
        s.append("Max-Forwards: 70\r\n");
        s.append("From: <").append(aor).append(">;tag=").append(fromTag).append("\r\n");
        s.append("To: <").append(aor).append(">\r\n");
        s.append("Call-ID: ").append(callId).append("\r\n");
        s.append("CSeq: ").append(cseq).append(" REGISTER\r\n");
        s.append("Contact: <").append(contactUri()).append(">;expires=").append(expires).append("\r\n");
        s.append("Expires: ").append(expires).append("\r\n");
        if (authHeader != null) s.append(authHeader).append(": ").append(authValue).append("\r\n");
        s.append("User-Agent: sipfleet\r\n");
        s.append("Content-Length: 0\r\n\r\n");
        return (SipRequest) SipParser.parse(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
