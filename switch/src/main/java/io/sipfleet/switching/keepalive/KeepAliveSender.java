package io.sipfleet.switching.keepalive;

import io.sipfleet.sip.transport.Peer;

/**
 * The raw way out for CRLF keep-alives: they are not SIP messages, so they cannot go through a
 * {@link io.sipfleet.sip.transport.SipSender}. The switch wires it to the transport.
 */
@FunctionalInterface
public interface KeepAliveSender {

    /** The CRLFCRLF keep-alive bytes (RFC 5626 4.4.1's ping; over UDP the carriers' "UAC ping"). */
    byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    /**
     * Sends {@link #CRLF_CRLF} to {@code to.remote()}, leaving from {@code to.local()} (the
     * listener the binding registered through: the only source the NAT pinhole lets back in).
     * Must not block (called on the keep-alive thread, in batches) and must not throw: a refused
     * or failed send is the transport's to count and log.
     */
    void sendCrlf(Peer to);
}
