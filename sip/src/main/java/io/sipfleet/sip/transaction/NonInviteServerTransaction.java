package io.sipfleet.sip.transaction;

import static io.sipfleet.sip.transaction.TransactionState.COMPLETED;
import static io.sipfleet.sip.transaction.TransactionState.PROCEEDING;
import static io.sipfleet.sip.transaction.TransactionState.TERMINATED;
import static io.sipfleet.sip.transaction.TransactionState.TRYING;

import io.netty.util.Timeout;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.time.Duration;

/**
 * The non-INVITE server transaction (RFC 3261 17.2.2, figure 8).
 *
 * <pre>
 * Trying     --1xx from TU--> Proceeding (retransmitted requests: discarded in Trying,
 *                                         answered with the last provisional in Proceeding)
 * Trying/Proceeding --final-> Completed  (retransmitted requests get the final again;
 *                                         Timer J = 64*T1 over UDP, 0 over TCP)
 * </pre>
 * No automatic 100 here: RFC 4320 advises against 100 for non-INVITE.
 *
 * <p>A TU that never answers (a lost store reply, a bug) would leave the transaction in Trying
 * forever: RFC 3261 has no timer there. After 64*T1, when the client has given up (Timer F), it
 * is abandoned: terminated without an answer, so the maps cannot grow without bound.
 */
public final class NonInviteServerTransaction extends ServerTransaction {
    private Timeout timerJ; // guarded by this
    private Timeout abandon; // guarded by this

    NonInviteServerTransaction(TransactionLayer layer, TransactionKey key, SipRequest request, Peer from,
                               SipSender sender) {
        super(layer, key, request, from, sender, TRYING);
    }

    /**
     * Arms the abandon timer if the TU has not answered yet; the layer calls it once the TU's
     * {@code onRequest} returned. Most requests (a registrar's REGISTER, OPTIONS, a CANCEL) are
     * answered before that, and then no timer is made and cancelled for them.
     */
    void armAbandon() {
        synchronized (this) {
            if (abandon != null || (state != TRYING && state != PROCEEDING)) return;
            abandon = schedule(timers.timerF(), this::onAbandon);
        }
    }

    private void onAbandon(Timeout t) {
        synchronized (this) {
            if (t != abandon || (state != TRYING && state != PROCEEDING)) return;
            enter(TERMINATED);
        }
        layer.countAbandoned();
        settle();
    }

    @Override boolean respondLocked(SipResponse r) {
        if (state != TRYING && state != PROCEEDING) return false;
        remember(r);
        if (r.statusCode() < 200) {
            enter(PROCEEDING);
            return send(r);
        }
        enter(COMPLETED);
        abandon = cancel(abandon);
        Duration j = timers.timerJ(reliable);
        if (j.isZero()) enter(TERMINATED);
        else timerJ = schedule(j, this::onTimerJ);
        boolean sent = send(r);
        keepForLinger(true); // Completed re-sends the final for every copy of the request, for 64*T1
        return sent;
    }

    @Override void absorbLocked() {
        if (state != PROCEEDING && state != COMPLETED) return;
        SipResponse last = lastResponseLocked();
        if (last != null) resend(last);
    }

    private void onTimerJ(Timeout t) {
        synchronized (this) {
            if (t != timerJ || state != COMPLETED) return;
            enter(TERMINATED);
        }
        settle();
    }

    @Override void cancelTimers() {
        timerJ = cancel(timerJ);
        abandon = cancel(abandon);
    }
}
