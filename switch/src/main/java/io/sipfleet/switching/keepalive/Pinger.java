package io.sipfleet.switching.keepalive;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.transaction.Branches;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.switching.config.KeepAliveMode;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tick: pings the bindings of the wheel's next slot. Runs on one thread at a time (the
 * keep-alive thread, or a test's), which owns the batch array and the OPTIONS text buffer, so a
 * ping allocates nothing but its message, its transaction and its {@link PendingPings.Ping}. No
 * lock is held while sending: the slot was copied out of the wheel first.
 */
final class Pinger {
    private static final Logger log = LoggerFactory.getLogger(KeepAliveScheduler.class);

    private final BindingSet bindings;
    private final PendingPings pending;
    private final TransactionLayer layer;
    private final KeepAliveSender crlf;
    private final Clock clock;
    private final LongSupplier nanoClock;
    private final RoundLog round;
    final LongAdder sent = new LongAdder();
    final LongAdder failures = new LongAdder();

    // The ticking thread's own.
    private final PingWheel.Batch batch = new PingWheel.Batch();
    private final OptionsPing options = new OptionsPing();

    Pinger(BindingSet bindings, PendingPings pending, TransactionLayer layer, KeepAliveSender crlf, Clock clock,
           LongSupplier nanoClock, RoundLog round) {
        this.bindings = bindings;
        this.pending = pending;
        this.layer = layer;
        this.crlf = crlf;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.round = round;
    }

    /** One tick with settings {@code s}. Returns true when the slot was the first of a revolution. */
    boolean tick(KeepAliveSettings s) {
        boolean roundStart = bindings.wheel.takeNext(batch);
        try {
            if (s.disabled()) return roundStart; // the wheel still turns: re-enabling keeps the phases
            long now = clock.millis();
            Tracked[] items = batch.items;
            for (int i = 0, n = batch.count; i < n; i++) ping(items[i], s, now);
        } finally {
            batch.clear();
        }
        return roundStart;
    }

    private void ping(Tracked t, KeepAliveSettings s, long nowMillis) {
        if (t.untracked) return; // removed after the slot was copied
        Tracked.Target target = t.target;
        Binding b = target.binding();
        if (b.isExpiredAt(nowMillis)) {
            // the store's sweep will say so too; no ping for a binding that no longer exists
            bindings.remove(t, cur -> cur.target == target);
            return;
        }
        if (s.mode() == KeepAliveMode.CRLF) {
            try {
                crlf.sendCrlf(target.peer());
                sent.increment();
            } catch (RuntimeException e) {
                sendFailed(t, e);
            }
            return;
        }
        String branch = Branches.next();
        SipRequest request;
        try {
            request = options.build(b, branch, s.fromDomain());
        } catch (SipParseException | RuntimeException e) {
            failures.increment();
            if (!t.warnedUnbuildable) {
                t.warnedUnbuildable = true; // once per binding, not once per interval
                log.warn("keep-alive: cannot build an OPTIONS for {}; it will not be pinged: {}", t, e.getMessage());
            }
            return;
        }
        // the previous ping had a whole interval to be answered: unanswered, it is a miss now
        PendingPings.Ping previous = t.lastPing;
        if (previous != null) pending.overdue(previous);
        if (t.untracked) return; // that miss was the K-th: the binding is gone
        // registered before sending: the answer may come back on an event loop before sendRequest returns
        PendingPings.Ping ping = new PendingPings.Ping(t, target, nanoClock.getAsLong());
        t.lastPing = ping;
        pending.add(branch, ping);
        try {
            ClientTransaction tx = layer.sendRequest(request, target.peer());
            sent.increment();
            // A sender that threw ended the transaction inside sendRequest: a miss, found here even
            // when the switch's TransactionUser does not forward onTerminated.
            if (tx.isTerminated()) pending.onTerminated(tx);
        } catch (RuntimeException e) {
            pending.cancel(branch);
            sendFailed(t, e);
        }
    }

    private void sendFailed(Tracked t, RuntimeException e) {
        failures.increment();
        if (round.firstFailure()) {
            log.warn("keep-alive: sending a ping to {} failed (further failures this round are counted in the "
                    + "round summary)", t, e);
        }
    }
}
