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
 * The non-INVITE client transaction (RFC 3261 17.1.2, figure 6).
 *
 * <pre>
 * Trying     --Timer E--> Trying     (UDP: retransmit; E doubles from T1, capped at T2)
 * Trying     --1xx------> Proceeding (to TU; E now fires every T2)
 * Trying/Proceeding --final--> Completed (to TU; Timer K = T4 over UDP, 0 over TCP absorbs copies)
 * Trying/Proceeding --Timer F (64*T1)--> Terminated (TU: onTimeout)
 * </pre>
 */
public final class NonInviteClientTransaction extends ClientTransaction {
    private Timeout timerE, timerF, timerK; // guarded by this
    private Duration intervalE;             // guarded by this

    NonInviteClientTransaction(TransactionLayer layer, TransactionKey key, SipRequest request, Peer to,
                               SipSender sender) {
        super(layer, key, request, to, sender, TRYING);
    }

    @Override void armTimers() {
        if (!reliable) {
            intervalE = timers.t1();
            timerE = schedule(intervalE, this::onTimerE);
        }
        timerF = schedule(timers.timerF(), this::onTimerF);
    }

    @Override void onResponse(SipResponse r) {
        boolean toTu = false, copy = false;
        synchronized (this) {
            if (state == TRYING || state == PROCEEDING) {
                toTu = true;
                if (r.isProvisional()) {
                    enter(PROCEEDING);
                } else {
                    timerE = cancel(timerE);
                    timerF = cancel(timerF);
                    // Completed only absorbs copies of the final (Timer K, T4 = 5 s): a BYE
                    // kept that long was the largest thing a call left for a GC to copy.
                    request = null;
                    enter(COMPLETED);
                    Duration k = timers.timerK(reliable);
                    if (k.isZero()) enter(TERMINATED);
                    else timerK = schedule(k, this::onTimerK);
                }
            } else if (state == COMPLETED) {
                copy = true; // a retransmitted final: absorbed (17.1.2.2)
            }
        }
        if (copy) layer.countAbsorbed();
        deliver(r, toTu);
    }

    private void onTimerE(Timeout t) {
        synchronized (this) {
            if (t != timerE || (state != TRYING && state != PROCEEDING)) return;
            resend(request);
            // 17.1.2.2: doubling up to T2 while Trying; every T2 once a provisional came.
            if (state == TRYING || state == PROCEEDING) { // not if the send brought the final
                intervalE = state == PROCEEDING ? timers.t2() : timers.doubledCapped(intervalE);
                timerE = schedule(intervalE, this::onTimerE);
            }
        }
        settle();
    }

    private void onTimerF(Timeout t) {
        synchronized (this) {
            if (t != timerF || (state != TRYING && state != PROCEEDING)) return;
            enter(TERMINATED);
        }
        timeOut();
    }

    private void onTimerK(Timeout t) {
        synchronized (this) {
            if (t != timerK || state != COMPLETED) return;
            enter(TERMINATED);
        }
        settle();
    }

    @Override void cancelTimers() {
        timerE = cancel(timerE);
        timerF = cancel(timerF);
        timerK = cancel(timerK);
    }
}
