package io.sipfleet.sip.transport;

import io.netty.channel.ChannelFuture;

/**
 * The transport's one way out, for encoded bytes. The pipeline's own answers (400 to a malformed
 * request, 513 to an oversized header section) use it too, so they pass the same allow-list and
 * counters as {@link SipSender#send}: such answers copy a Via that may not even parse, so they
 * cannot always be a {@code SipMessage}.
 */
interface Outbound {
    /**
     * Sends {@code bytes[0, length)} to {@code to}; {@code what} describes it in logs (its
     * toString() is only called when logging). Returns the write future, or null when the send
     * was refused or dropped (already counted and logged).
     */
    ChannelFuture sendBytes(byte[] bytes, int length, Peer to, Object what);
}
