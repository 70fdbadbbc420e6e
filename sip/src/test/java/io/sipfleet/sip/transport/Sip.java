package io.sipfleet.sip.transport;

import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParser;
import java.nio.charset.StandardCharsets;

/** Test messages: lines joined with CRLF, Content-Length computed unless given. */
final class Sip {
    private Sip() {}

    static String options(String via, String callId) {
        return msg("OPTIONS sip:echo@127.0.0.1 SIP/2.0",
                "Via: " + via,
                "Max-Forwards: 70",
                "From: <sip:alice@example.com>;tag=a1",
                "To: <sip:echo@example.com>",
                "Call-ID: " + callId,
                "CSeq: 1 OPTIONS") ;
    }

    /** Start line and headers; an empty Content-Length is added, then the empty line. */
    static String msg(String... lines) {
        return withBody("", lines);
    }

    static String withBody(String body, String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append("\r\n");
        sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n");
        return sb.append(body).toString();
    }

    /** Lines as given (no Content-Length added), then the empty line and the body. */
    static String raw(String body, String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append("\r\n");
        return sb.append("\r\n").append(body).toString();
    }

    static SipMessage parse(String s) {
        try {
            return SipParser.parse(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static SipRequest request(String s) { return (SipRequest) parse(s); }

    static SipResponse response(String s) { return (SipResponse) parse(s); }

    static SipResponse responseWithVia(String via) {
        return response(msg("SIP/2.0 200 OK", "Via: " + via, "From: <sip:a@example.com>;tag=1",
                "To: <sip:b@example.com>;tag=2", "Call-ID: c1", "CSeq: 1 OPTIONS"));
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
