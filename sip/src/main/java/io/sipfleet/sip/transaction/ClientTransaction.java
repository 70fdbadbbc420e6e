package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;

/**
 * A client transaction (RFC 3261 17.1): sends the request to the peer the caller chose,
 * retransmits it over UDP, and passes responses to the TU, absorbing retransmitted finals.
 * Created by {@link TransactionLayer#sendRequest}; responses are matched by the branch of our
 * top Via and the CSeq method (17.1.3).
 */
public abstract sealed class ClientTransaction extends Transaction
        permits InviteClientTransaction, NonInviteClientTransaction {

    ClientTransaction(TransactionLayer layer, TransactionKey key, SipRequest request, Peer to, SipSender sender,
                      TransactionState initial) {
        super(layer, key, request, to, sender, initial);
    }

    /** The branch of our top Via: the transaction id on the wire. */
    public final String branch() { return key.branch(); }

    /**
     * Arms the timers, then sends the request without the lock ({@link #sendFirst}). Called once,
     * after the layer registered us.
     */
    final void start() {
        SipRequest first;
        synchronized (this) {
            first = request;
            armTimers();
        }
        sendFirst(first);
        settle();
    }

    /** The retransmission (UDP) and timeout timers of the first send. Caller holds the lock. */
    abstract void armTimers();

    /** A response whose top Via branch and CSeq method are ours. */
    abstract void onResponse(SipResponse response);

    /** Ends the transaction on a timeout: Terminated, TU told. Used by timers B, F and the CANCEL wait. */
    final void timeOut() {
        try {
            layer.tu().onTimeout(this);
        } finally {
            settle();
        }
    }

    /** Passes a response to the TU, then settles (even if the TU throws). */
    final void deliver(SipResponse response, boolean toTu) {
        try {
            if (toTu) layer.tu().onResponse(this, response);
        } finally {
            settle();
        }
    }
}
