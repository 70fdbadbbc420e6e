package io.sipfleet.sip.transport;

import io.netty.channel.ChannelFuture;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.RawMessage;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.HeaderParsers;
import io.sipfleet.sip.parse.SipParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the transport does with a message that did not parse: a request that could be framed is
 * answered with the status the parser chose (400, 505, 501) and the parser's reason as the
 * reason phrase, so the sender learns what is wrong (RFC 3261 8.2, 21.4.1; RFC 4475 section 3
 * expects exactly this); a response is dropped (18.1.2), an ACK too (ACK gets no response,
 * 17.1.1.3), and so are bytes that are not SIP at all. Everything is counted.
 */
final class ParseFailures {
    private static final Logger log = LoggerFactory.getLogger(ParseFailures.class);
    private static final int MAX_REASON = 160;

    private final Outbound out;
    private final TransportCounters counters;
    private final RateLimitedLog warn = new RateLimitedLog(log, 10, TimeUnit.SECONDS);

    ParseFailures(Outbound out, TransportCounters counters) {
        this.out = out;
        this.counters = counters;
    }

    /** Answers or drops; returns the answer's write future, or null when nothing was sent. */
    ChannelFuture handle(SipParseException e, Peer from) {
        RawMessage framed = e.framed();
        if (framed != null && framed.isResponseLine()) {
            counters.drop(DropReason.MALFORMED_RESPONSE);
            warn.log("{} {}: dropped a malformed response from {}: {} (Call-ID {})", from.transport(),
                    IpLiterals.text(from.local()), IpLiterals.text(from.remote()), e.getMessage(), callId(framed));
            return null;
        }
        if (framed == null || e.statusCode() == 0) {
            counters.drop(DropReason.UNPARSEABLE);
            warn.log("{} {}: dropped unparseable bytes from {}: {}", from.transport(), IpLiterals.text(from.local()),
                    IpLiterals.text(from.remote()), e.getMessage());
            return null;
        }
        if (isAck(framed)) {
            counters.drop(DropReason.MALFORMED_ACK);
            warn.log("{} {}: dropped a malformed ACK from {}: {} (Call-ID {})", from.transport(),
                    IpLiterals.text(from.local()), IpLiterals.text(from.remote()), e.getMessage(), callId(framed));
            return null;
        }
        warn.log("{} {}: answering {} to a malformed request from {}: {} (Call-ID {})", from.transport(),
                IpLiterals.text(from.local()), e.statusCode(), IpLiterals.text(from.remote()), e.getMessage(),
                callId(framed));
        return answer(framed, e.statusCode(), e.reason(), from);
    }

    /**
     * Answers the framed request {@code framed} with {@code status reason}: over a connection on
     * that connection, over UDP where RFC 3261 18.2.2 says if the top Via parses, else to the
     * packet's source. Returns the write future, or null when the answer was refused.
     */
    ChannelFuture answer(RawMessage framed, int status, String reason, Peer from) {
        if (framed.isResponseLine() || isAck(framed)) return null;
        byte[] bytes = Responses.bytes(framed, status, phrase(reason), hasToTag(framed) ? null : Tags.next(), null, null);
        Peer to = from.transport().isReliable() ? from : udpDestination(framed, from);
        ChannelFuture f = out.sendBytes(bytes, bytes.length, to, new Object() {
            @Override public String toString() { return status + " to a malformed request"; }
        });
        if (f != null) counters.errorResponses.increment();
        return f;
    }

    private static Peer udpDestination(RawMessage framed, Peer from) {
        int i = framed.indexOf(HeaderName.VIA);
        if (i < 0) return from;
        List<Via> vias = new ArrayList<>(2);
        try {
            HeaderParsers.vias(framed.array(), framed.valueStart(i), framed.valueEnd(i), vias);
        } catch (SipParseException | RuntimeException x) {
            return from;
        }
        Peer to = ResponseRouting.destination(ViaStamping.stamp(vias.get(0), from.remote()), from);
        return to != null ? to : from;
    }

    /** One line, printable, bounded: the parser's text may quote bytes of the message. */
    static String phrase(String reason) {
        StringBuilder sb = new StringBuilder(Math.min(reason.length(), MAX_REASON));
        for (int i = 0; i < reason.length() && sb.length() < MAX_REASON; i++) {
            char c = reason.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? ' ' : c);
        }
        return sb.toString().trim();
    }

    static boolean isAck(RawMessage m) {
        byte[] b = m.array();
        return m.startLineEnd() > 4 && b[0] == 'A' && b[1] == 'C' && b[2] == 'K' && b[3] == ' ';
    }

    /** Whether To already has a tag; the To line may be the malformed one, so no full parse. */
    static boolean hasToTag(RawMessage m) {
        String to = m.header(HeaderName.TO);
        if (to == null) return false;
        String compact = to.replace(" ", "").replace("\t", "").toLowerCase(Locale.ROOT);
        int gt = compact.lastIndexOf('>');
        return compact.indexOf(";tag=", Math.max(gt, 0)) >= 0;
    }

    static String callId(RawMessage m) {
        String c = m.header(HeaderName.CALL_ID);
        return c == null ? "none" : phrase(c.length() > 80 ? c.substring(0, 80) : c);
    }
}
