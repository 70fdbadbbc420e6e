package io.sipfleet.sip.transport;

import io.sipfleet.sip.message.SipMessage;

/**
 * Sends a message to a peer without blocking the caller (an event loop). Every send passes the
 * outbound allow-list; a refused or failed send is counted and logged, never thrown.
 */
public interface SipSender {
    void send(SipMessage message, Peer to);
}
