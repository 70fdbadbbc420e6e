package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Real SIP messages for the tests: literal text (CRLF, exact Content-Length) through the parser. */
final class Sip {
    private Sip() {}

    static final InetSocketAddress LOCAL = new InetSocketAddress("192.0.2.1", 5060);
    static final Peer UDP_CLIENT = Peer.udp(new InetSocketAddress("192.0.2.10", 5060), LOCAL);
    static final Peer TCP_CLIENT = new Peer(Transport.TCP, new InetSocketAddress("192.0.2.10", 40123), LOCAL, 7);
    static final Peer UDP_SERVER = Peer.udp(new InetSocketAddress("198.51.100.20", 5060), LOCAL);
    static final Peer TCP_SERVER = new Peer(Transport.TCP, new InetSocketAddress("198.51.100.20", 5060), LOCAL, 9);

    static SipMessage parse(String text) {
        try {
            return SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (SipParseException e) {
            throw new AssertionError("test message does not parse: " + e.getMessage() + "\n" + text, e);
        }
    }

    static SipMessage parse(byte[] bytes) {
        try {
            return SipParser.parse(bytes);
        } catch (SipParseException e) {
            throw new AssertionError("test message does not parse: " + e.getMessage(), e);
        }
    }

    /** Bytes of an RFC 4475 message, read from the classpath as bytes. */
    static byte[] rfc4475(String name) {
        try (InputStream in = Sip.class.getResourceAsStream("/testdata/rfc4475/" + name)) {
            if (in == null) throw new IllegalArgumentException("no test data " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A request from a UA at 192.0.2.10 to bob. {@code toTag} null: out of dialog. {@code extra}:
     * further header lines, each ending in CRLF.
     */
    static SipRequest request(String method, String transport, String branch, String callId, long cseq,
                              String toTag, String extra) {
        String text = method + " sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " client.atlanta.example.com:5060;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
                + "To: Bob <sip:bob@biloxi.example.com>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:alice@client.atlanta.example.com>\r\n"
                + (extra == null ? "" : extra)
                + "Content-Length: 0\r\n\r\n";
        return (SipRequest) parse(text);
    }

    static SipRequest request(String method, String branch, String callId) {
        return request(method, "UDP", branch, callId, method.equals("INVITE") ? 1 : 2, null, null);
    }

    static SipRequest invite(String branch) { return request("INVITE", branch, "3848276298220188511@atlanta.example.com"); }

    /** An INVITE with an SDP body, for the Content-Length check of the copies. */
    static SipRequest inviteWithBody(String branch) {
        String sdp = "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\n"
                + "t=0 0\r\nm=audio 49172 RTP/AVP 0\r\n";
        String text = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
                + "To: Bob <sip:bob@biloxi.example.com>\r\n"
                + "Call-ID: body-3848276298220188511@atlanta.example.com\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + sdp;
        return (SipRequest) parse(text);
    }

    /**
     * The ACK a UAC sends for our non-2xx final (17.1.1.3): the INVITE's branch, the To of the
     * response. For an ACK of a 2xx pass a new branch.
     */
    static SipRequest ack(SipRequest invite, SipResponse response, String branch) {
        String text = "ACK " + invite.requestUri() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + invite.topVia().transport() + " " + invite.topVia().sentBy()
                + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + invite.from() + "\r\n"
                + "To: " + response.to() + "\r\n"
                + "Call-ID: " + invite.callId() + "\r\n"
                + "CSeq: " + invite.cseq().seq() + " ACK\r\n"
                + "Content-Length: 0\r\n\r\n";
        return (SipRequest) parse(text);
    }

    /** The CANCEL a UAC sends for {@code invite} (9.1). */
    static SipRequest cancel(SipRequest invite) { return ClientRequests.cancel(invite); }

    /** A response the remote server sends to the request we sent. */
    static SipResponse answer(SipRequest sent, int code, String reason, String toTag) {
        return Responses.create(sent, code, reason, toTag);
    }

    static Inbound in(SipMessage m, Peer from) { return new Inbound(m, from, System.nanoTime()); }
}
