package io.sipfleet.sip.transport;

/**
 * What a transport hands parsed messages to (the transaction layer, or a stateless role).
 * Called on the Netty event loop that read the message: implementations must not block.
 */
public interface SipHandler {
    void onMessage(Inbound inbound, SipSender sender);
}
