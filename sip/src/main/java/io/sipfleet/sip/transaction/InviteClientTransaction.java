package io.sipfleet.sip.transaction;

import static io.sipfleet.sip.transaction.TransactionState.ACCEPTED;
import static io.sipfleet.sip.transaction.TransactionState.CALLING;
import static io.sipfleet.sip.transaction.TransactionState.COMPLETED;
import static io.sipfleet.sip.transaction.TransactionState.PROCEEDING;
import static io.sipfleet.sip.transaction.TransactionState.TERMINATED;

import io.netty.util.Timeout;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.time.Duration;

/**
 * The INVITE client transaction (RFC 3261 17.1.1, figure 5, with RFC 6026's Accepted state).
 *
 * <pre>
 * Calling    --Timer A--> Calling    (UDP: retransmit; A doubles from T1, no cap: 17.1.1.2)
 * Calling    --Timer B (64*T1)--> Terminated (TU: onTimeout)
 * Calling    --1xx------> Proceeding (to TU; a CANCEL waiting for it is sent now, 9.1)
 * Calling/Proceeding --2xx--> Accepted (to TU; RFC 6026: later 2xx, from retransmissions or
 *                                       forks, also go to the TU for 64*T1 (Timer M); the TU
 *                                       sends the ACK of a 2xx itself, 13.2.2.4)
 * Calling/Proceeding --300-699--> Completed (ACK built and sent here, 17.1.1.3; to TU;
 *                                       each retransmitted final re-sends the ACK and is
 *                                       absorbed; Timer D: 32 s over UDP, 0 over TCP)
 * </pre>
 */
public final class InviteClientTransaction extends ClientTransaction {
    private Timeout timerA, timerB, timerD, timerM, cancelWait; // guarded by this
    private Duration intervalA;                                // guarded by this
    /**
     * The ACK of a non-2xx final as bytes alone: Completed only re-sends it, when the final comes
     * again (rare), for Timer D; a dispatcher relays the switch's 407 for every call, and these
     * parsed ACKs were part of what its heap held (see ServerTransaction's finalBytes). Guarded by this.
     */
    private byte[] ackBytes;
    private boolean cancelRequested;                           // guarded by this

    InviteClientTransaction(TransactionLayer layer, TransactionKey key, SipRequest request, Peer to,
                            SipSender sender) {
        super(layer, key, request, to, sender, CALLING);
    }

    /** The ACK this transaction sent for a non-2xx final, or null. */
    public synchronized SipRequest ack() { return ackLocked(); }

    /** The ACK parsed again from {@link #ackBytes}; null when none was sent. Caller holds the lock. */
    private SipRequest ackLocked() { return ackBytes == null ? null : (SipRequest) parseOwn(ackBytes); }

    @Override void armTimers() {
        if (!reliable) {
            intervalA = timers.t1();
            timerA = schedule(intervalA, this::onTimerA);
        }
        timerB = schedule(timers.timerB(), this::onTimerB);
    }

    @Override void onResponse(SipResponse r) {
        boolean toTu = false, copy = false, sendCancel = false;
        synchronized (this) {
            int code = r.statusCode();
            switch (state) {
                case CALLING, PROCEEDING -> {
                    toTu = true;
                    if (code < 200) {
                        if (state == CALLING) {
                            timerA = cancel(timerA);
                            timerB = cancel(timerB);
                            enter(PROCEEDING);
                            sendCancel = cancelRequested;
                        }
                    } else if (code < 300) {
                        cancelTimers();
                        enter(ACCEPTED);
                        timerM = schedule(timers.timerM(), this::onTimerM);
                        // Accepted only passes 2xx copies up for 64*T1: the INVITE (SDP and all)
                        // is not needed again, and at thousands of calls/s it is most of the heap.
                        request = null;
                    } else {
                        cancelTimers();
                        enter(COMPLETED);
                        SipRequest ack = ClientRequests.ack(request, r);
                        ackBytes = bytesOf(ack);
                        request = null; // Completed only re-sends the ACK (Timer D, 32 s)
                        Duration d = timers.timerD(reliable);
                        if (d.isZero()) enter(TERMINATED);
                        else timerD = schedule(d, this::onTimerD);
                        send(ack);
                    }
                }
                case ACCEPTED -> toTu = code >= 200 && code < 300;
                case COMPLETED -> {
                    if (code >= 300) {
                        copy = true;
                        resend(ackLocked()); // 17.1.1.2: the ACK is lost if the final comes again
                    }
                }
                default -> { }
            }
        }
        if (copy) layer.countAbsorbed();
        if (sendCancel) layer.startCancel(this);
        deliver(r, toTu);
    }

    /**
     * The TU wants this INVITE cancelled (9.1). Returns false when it is too late (a final
     * response came, or the transaction ended). In Calling the CANCEL waits for the first
     * provisional response; it is never sent if a final response comes first.
     */
    boolean requestCancel() {
        synchronized (this) {
            if (state != CALLING && state != PROCEEDING) return false;
            if (cancelRequested) return true;
            cancelRequested = true;
            if (state == CALLING) return true;
        }
        layer.startCancel(this);
        return true;
    }

    /**
     * 9.1: with no final response 64*T1 after the CANCEL went out, the INVITE is considered
     * cancelled and its transaction destroyed (there is no Timer B in Proceeding).
     */
    void cancelSent() {
        synchronized (this) {
            if (state == PROCEEDING && cancelWait == null) cancelWait = schedule(timers.timeout(), this::onCancelWait);
        }
    }

    private void onCancelWait(Timeout t) {
        synchronized (this) {
            if (t != cancelWait || state != PROCEEDING) return;
            enter(TERMINATED);
        }
        timeOut();
    }

    private void onTimerA(Timeout t) {
        synchronized (this) {
            if (t != timerA || state != CALLING) return;
            resend(request);
            intervalA = TimerConfig.times(intervalA, 2);
            if (state == CALLING) timerA = schedule(intervalA, this::onTimerA);
        }
        settle();
    }

    private void onTimerB(Timeout t) {
        synchronized (this) {
            if (t != timerB || state != CALLING) return;
            enter(TERMINATED);
        }
        timeOut();
    }

    private void onTimerD(Timeout t) {
        synchronized (this) {
            if (t != timerD || state != COMPLETED) return;
            enter(TERMINATED);
        }
        settle();
    }

    private void onTimerM(Timeout t) {
        synchronized (this) {
            if (t != timerM || state != ACCEPTED) return;
            enter(TERMINATED);
        }
        settle();
    }

    @Override void cancelTimers() {
        timerA = cancel(timerA);
        timerB = cancel(timerB);
        timerD = cancel(timerD);
        timerM = cancel(timerM);
        cancelWait = cancel(cancelWait);
    }
}
