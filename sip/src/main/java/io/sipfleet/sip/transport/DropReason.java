package io.sipfleet.sip.transport;

/** Why the transport dropped something instead of delivering or sending it. One counter each. */
public enum DropReason {
    /** A datagram larger than maxMessageBytes (RFC 3261 18.1.1: too large for UDP anyway). */
    OVERSIZE_DATAGRAM,
    /** Bytes that are not a SIP message at all, or a malformed request that cannot be answered. */
    UNPARSEABLE,
    /** A malformed response: never answered (RFC 3261 18.1.2 says discard). */
    MALFORMED_RESPONSE,
    /** A malformed ACK: never answered (RFC 3261 17.1.1.3, ACK gets no response). */
    MALFORMED_ACK,
    /** A TCP stream that cannot be framed (bad Content-Length, header section too large): closed. */
    TCP_FRAMING,
    /** A TCP connection holding more unread bytes than maxBufferedBytesPerConnection: closed. */
    TCP_BUFFER_LIMIT,
    /** A destination outside the outbound allow-list, or one never allowed (broadcast ...). */
    ALLOW_LIST_REFUSED,
    /** A response whose Via names no address we can send to without DNS (RFC 3261 18.2.2). */
    UNROUTABLE_RESPONSE,
    /** No listener or connection for the requested transport (TLS, WS ... or UDP not enabled). */
    NO_TRANSPORT,
    /** An outbound TCP connection that could not be established (counted once per connection attempt). */
    CONNECT_FAILED,
    /**
     * The socket refused the write (network unreachable, connection reset ...), including each
     * message that was queued on a connection that then failed to connect.
     */
    SEND_FAILED,
    /** The peer does not read: its connection already holds maxBufferedBytesPerConnection. */
    BACKPRESSURE,
    /** The SipHandler threw. */
    HANDLER_ERROR,
    /** Anything else that reached exceptionCaught. */
    PIPELINE_ERROR,
    /** A send after close(). */
    CLOSED
}
