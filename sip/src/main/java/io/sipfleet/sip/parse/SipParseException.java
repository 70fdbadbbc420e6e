package io.sipfleet.sip.parse;

import io.sipfleet.sip.message.RawMessage;

/**
 * A message (or a header value) that is not valid SIP. The parser's only exception: callers can
 * rely on nothing else escaping it.
 *
 * <p>{@code statusCode} is the answer a server should send when the message is a request it can
 * answer (400, 505, 501 ...); 0 means "drop it" (responses, unframeable bytes). {@code framed}
 * is the message as far as it could be framed (start line and header lines located), so the
 * transport can copy Via, From, To, Call-ID and CSeq into that answer; null when framing failed.
 */
public final class SipParseException extends Exception {
    private final int offset;
    private final String reason;
    private final int statusCode;
    private final transient RawMessage framed;

    public SipParseException(int offset, String reason) {
        this(offset, reason, 400, null);
    }

    public SipParseException(int offset, String reason, int statusCode, RawMessage framed) {
        super(reason + (offset >= 0 ? " (at offset " + offset + ")" : ""), null, false, false);
        this.offset = offset;
        this.reason = reason;
        this.statusCode = statusCode;
        this.framed = framed;
    }

    /** Byte offset in the message where the problem was found; -1 when it is not one place. */
    public int offset() { return offset; }

    /** What is wrong, fit for a reason phrase ("Bad CSeq: sequence number above 2^32-1"). */
    public String reason() { return reason; }

    /** The status a server should answer with, or 0 when the message must be dropped. */
    public int statusCode() { return statusCode; }

    /** The framed message, to answer from; null when the bytes could not be framed. */
    public RawMessage framed() { return framed; }

    /** A copy that knows the framed message and the status to answer with. */
    public SipParseException withFramed(RawMessage message, int status) {
        return new SipParseException(offset, reason, status, message);
    }
}
