package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.Methods;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.nio.charset.StandardCharsets;

/**
 * The two requests a client transaction layer builds from the INVITE it sent: the ACK of a
 * non-2xx final response (17.1.1.3) and the CANCEL (9.1). Both copy the Request-URI as written,
 * the single top Via of the INVITE (so they reach the same server transaction hop by hop), the
 * Route lines, From and Call-ID; they differ in To (the response's, with its tag, for the ACK; the
 * INVITE's for the CANCEL) and in the CSeq method. Header values are copied unfolded, never
 * re-encoded from the parsed form, except the top Via, which has to be cut out of its line.
 */
public final class ClientRequests {
    private ClientRequests() {}

    /** Max-Forwards of requests we originate (8.1.1.6). */
    static final int MAX_FORWARDS = 70;

    /** The ACK for a 300-699 final {@code response} to {@code invite} (17.1.1.3). */
    public static SipRequest ack(SipRequest invite, SipResponse response) {
        return build(Methods.ACK, invite, response.header(HeaderName.TO));
    }

    /** The CANCEL of {@code request} (9.1): same To (and tags) as the request being cancelled. */
    public static SipRequest cancel(SipRequest request) {
        return build(Methods.CANCEL, request, request.header(HeaderName.TO));
    }

    private static SipRequest build(String method, SipRequest original, String to) {
        String line = original.startLine();
        String uri = line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
        StringBuilder sb = new StringBuilder(256 + line.length());
        sb.append(method).append(' ').append(uri).append(" SIP/2.0\r\n");
        sb.append("Via: ");
        original.topVia().appendTo(sb);
        sb.append("\r\n");
        for (String route : original.headerValues(HeaderName.ROUTE)) header(sb, "Route", route);
        header(sb, "Max-Forwards", Integer.toString(MAX_FORWARDS));
        header(sb, "From", original.header(HeaderName.FROM));
        header(sb, "To", to);
        header(sb, "Call-ID", original.callId());
        header(sb, "CSeq", original.cseq().seq() + " " + method);
        header(sb, "Content-Length", "0");
        sb.append("\r\n");
        try {
            SipMessage m = SipParser.parse(sb.toString().getBytes(StandardCharsets.UTF_8));
            return (SipRequest) m;
        } catch (SipParseException e) {
            throw new IllegalArgumentException(method + " built from a valid request failed to parse: "
                    + e.getMessage(), e);
        }
    }

    private static void header(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append("\r\n");
    }
}
