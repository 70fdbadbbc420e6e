package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;

/**
 * The layer above the transactions (RFC 3261 17: the TU: UA core, proxy core). Called on a Netty
 * event loop or on the timer thread, never while a transaction is locked, so a callback may call
 * into any transaction (a proxy answering its server transaction from a client's response).
 * Callbacks must not block.
 */
public interface TransactionUser {

    /**
     * A new request (not ACK, not CANCEL): answer through {@code tx.respond(...)}, now or later.
     * Retransmissions of it are absorbed by the transaction and never reach the TU again.
     */
    void onRequest(ServerTransaction tx, SipRequest request);

    /**
     * An ACK that no server transaction absorbed: the ACK of a 2xx (17.2.3: it has its own
     * branch), or a stray ACK. A UAS core confirms its dialog; a proxy forwards it.
     */
    void onAck(SipRequest ack, Peer from);

    /**
     * A CANCEL matched {@code tx}, which has not sent a final response yet (9.2). The layer has
     * already answered the CANCEL with 200; the TU should answer the INVITE with 487
     * ({@code tx.respond(487, "Request Terminated")}) or, in a proxy, cancel its branches.
     */
    void onCancel(InviteServerTransaction tx, SipRequest cancel);

    /** A response for {@code tx}: provisional, final, or (INVITE, RFC 6026 Accepted) a further 2xx. */
    void onResponse(ClientTransaction tx, SipResponse response);

    /**
     * Timer B or F fired (17.1.1.2, 17.1.2.2), or an INVITE stayed unanswered 64*T1 after its
     * CANCEL (9.1). The TU should act as if it received 408 Request Timeout.
     */
    void onTimeout(ClientTransaction tx);

    /**
     * A response that matches no client transaction (17.1.3): a late 2xx retransmission, or any
     * response to a proxy that forwards statelessly (16.7 step 3 / 16.11).
     */
    default void onStrayResponse(SipResponse response, Peer from) {}

    /**
     * The sender threw while {@code tx} was sending (17.1.4, 17.2.4); the transaction is
     * terminated. SipSender's contract is never to throw, so this is a safety net.
     */
    default void onTransportError(Transaction tx, RuntimeException cause) {}

    /** Timer H fired: the ACK of a non-2xx final never came (17.2.1). The transaction is terminated. */
    default void onServerTimeout(InviteServerTransaction tx) {}

    /**
     * A 2xx was retransmitted for 64*T1 without an ACK (13.3.1.4): the UAS core SHOULD end the
     * session with a BYE. Only when the layer retransmits 2xx itself.
     */
    default void onAckTimeout(SipResponse response, Peer to) {}

    /** The transaction reached Terminated and left the layer's maps: drop any state keyed by it. */
    default void onTerminated(Transaction tx) {}
}
