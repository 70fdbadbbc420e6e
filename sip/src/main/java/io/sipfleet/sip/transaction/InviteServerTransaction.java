package io.sipfleet.sip.transaction;

import static io.sipfleet.sip.transaction.TransactionState.ACCEPTED;
import static io.sipfleet.sip.transaction.TransactionState.COMPLETED;
import static io.sipfleet.sip.transaction.TransactionState.CONFIRMED;
import static io.sipfleet.sip.transaction.TransactionState.PROCEEDING;
import static io.sipfleet.sip.transaction.TransactionState.TERMINATED;

import io.netty.util.Timeout;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.Methods;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.time.Duration;
import java.util.Objects;

/**
 * The INVITE server transaction (RFC 3261 17.2.1, figure 7, with RFC 6026's Accepted state).
 *
 * <pre>
 * Proceeding --1xx from TU--> Proceeding (sent; re-sent on each retransmitted INVITE)
 * Proceeding --2xx from TU--> Accepted   (RFC 6026: INVITE retransmissions absorbed, further
 *                                         2xx from the TU sent, ACK passed to the TU; Timer L)
 * Proceeding --3xx-6xx-----> Completed  (Timer G retransmits over UDP, T1 doubling to T2;
 *                                         Timer H = 64*T1 gives up waiting for the ACK)
 * Completed  --ACK---------> Confirmed  (Timer I = T4 absorbs ACK copies; 0 over TCP)
 * </pre>
 * The 2xx itself is retransmitted end to end by the UAS core (13.3.1.4), not by this machine: see
 * {@link TwoXxRetransmitter}, which the layer starts here when it is configured as a UAS.
 *
 * <p>If the TU has not answered within {@link TimerConfig#trying()} (200 ms), the transaction
 * sends 100 Trying itself (17.2.1), using one timer that is only armed if the TU did not answer
 * while still inside {@code onRequest}.
 */
public final class InviteServerTransaction extends ServerTransaction {
    private Timeout trying, timerG, timerH, timerI, timerL; // guarded by this
    private Duration intervalG;                            // guarded by this

    InviteServerTransaction(TransactionLayer layer, TransactionKey key, SipRequest request, Peer from,
                            SipSender sender) {
        super(layer, key, request, from, sender, PROCEEDING);
    }

    /** Arms the 100 Trying timer if the TU has not answered yet. Called once onRequest returned. */
    void startTrying() {
        Duration d = timers.trying();
        if (d == null) return;
        synchronized (this) {
            if (state != PROCEEDING || lastResponse != null) return;
            if (d.isZero()) sendTrying();
            else trying = scheduleOnThisLoop(d, this::onTrying);
        }
        settle();
    }

    /**
     * On the loop that received the INVITE ({@link #scheduleOnThisLoop}): there the check sees a
     * final sent first, and otherwise the 100 is written before the lock is released, so before
     * any final (from the timer thread, a late loop sent 407 and then 100).
     */
    private void onTrying(Timeout t) {
        synchronized (this) {
            if (t != trying) return;
            trying = null;
            if (state == PROCEEDING && lastResponse == null) sendTrying();
        }
        settle();
    }

    private void sendTrying() {
        SipResponse r = response(100, "Trying");
        remember(r);
        send(r);
    }

    @Override boolean respondLocked(SipResponse r) {
        int code = r.statusCode();
        if (state == ACCEPTED) { // RFC 6026 8.7: further 2xx from the TU go out, nothing else
            if (code < 200 || code >= 300) return false;
            remember(r);
            boolean sent = send(r);
            keepForLinger(false);
            return sent;
        }
        if (state != PROCEEDING) return false;
        trying = cancel(trying);
        remember(r);
        if (code < 200) return send(r);
        if (code < 300) {
            // Registered before sending: the ACK must find it even if it overtakes this thread.
            if (layer.retransmits2xx()) layer.twoXx().start(r, peer, sender);
            enter(ACCEPTED);
            timerL = schedule(timers.timerL(), this::onTimerL);
            boolean sent = send(r);
            if (!sent) layer.twoXx().stop(r);
            // Accepted absorbs INVITE copies for 64*T1 and re-sends nothing (RFC 6026 8.7: the 2xx
            // is retransmitted by whoever made it): the 2xx's bytes, with their SDP, were the
            // largest thing a call left on the heap for 32 s.
            keepForLinger(false);
            return sent;
        }
        enter(COMPLETED);
        if (!reliable) {
            intervalG = timers.t1();
            timerG = schedule(intervalG, this::onTimerG);
        }
        timerH = schedule(timers.timerH(), this::onTimerH);
        return send(r);
    }

    @Override void absorbLocked() {
        // 17.2.1: Proceeding re-sends the latest provisional, Completed the final. Accepted and
        // Confirmed absorb silently (RFC 6026 8.7: the TU retransmits the 2xx on its own clock).
        if ((state == PROCEEDING || state == COMPLETED) && lastResponse != null) resend(lastResponse);
    }

    /**
     * An ACK with this transaction's key. Returns true when the transaction absorbed it (the ACK
     * of our non-2xx final, or a copy of it), false when the TU must see it (Accepted: the ACK
     * of a 2xx from an RFC 2543 peer, which reuses the INVITE's identity).
     */
    boolean onAck() {
        boolean absorbed;
        boolean copy = false;
        synchronized (this) {
            switch (state) {
                case COMPLETED -> {
                    timerG = cancel(timerG);
                    timerH = cancel(timerH);
                    enter(CONFIRMED);
                    // Confirmed only absorbs ACK copies (Timer I) and re-sends nothing: a dispatcher
                    // relays the switch's 407 for every call, and these INVITEs and 407s were most of
                    // its heap (bench/RESULTS.md, "What a call leaves on each node's heap").
                    keepForLinger(false);
                    Duration i = timers.timerI(reliable);
                    if (i.isZero()) enter(TERMINATED);
                    else timerI = schedule(i, this::onTimerI);
                    absorbed = true;
                }
                case CONFIRMED, PROCEEDING -> absorbed = copy = true;
                default -> absorbed = false;
            }
        }
        if (copy) layer.countAbsorbed();
        settle();
        return absorbed;
    }

    /** RFC 2543 ACK: its To tag is the one of the final response we sent (17.2.3). */
    @Override boolean matches(SipRequest r) {
        if (!key.isRfc2543() || !r.method().equals(Methods.ACK)) return super.matches(r);
        SipResponse last = lastResponse();
        return last != null && last.isFinal() && Objects.equals(r.to().tag(), last.to().tag());
    }

    /** True while a CANCEL still affects the INVITE: no final response yet (9.2). */
    synchronized boolean isCancellable() { return state == PROCEEDING; }

    private void onTimerG(Timeout t) {
        synchronized (this) {
            if (t != timerG || state != COMPLETED) return;
            resend(lastResponse);
            intervalG = timers.doubledCapped(intervalG);
            if (state == COMPLETED) timerG = schedule(intervalG, this::onTimerG);
        }
        settle();
    }

    private void onTimerH(Timeout t) {
        boolean fired;
        synchronized (this) {
            fired = t == timerH && state == COMPLETED;
            if (fired) enter(TERMINATED);
        }
        try {
            if (fired) layer.tu().onServerTimeout(this);
        } finally {
            settle();
        }
    }

    private void onTimerI(Timeout t) {
        synchronized (this) {
            if (t != timerI || state != CONFIRMED) return;
            enter(TERMINATED);
        }
        settle();
    }

    private void onTimerL(Timeout t) {
        synchronized (this) {
            if (t != timerL || state != ACCEPTED) return;
            enter(TERMINATED);
        }
        settle();
    }

    @Override void cancelTimers() {
        trying = cancel(trying);
        timerG = cancel(timerG);
        timerH = cancel(timerH);
        timerI = cancel(timerI);
        timerL = cancel(timerL);
    }
}
