package io.sipfleet.switching.keepalive;

import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.Transaction;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPTIONS pings in flight, keyed by the branch of their Via (= their client transaction's
 * id), and what their outcome means: any answer, provisional or final, whatever the status (404
 * and 405 included: the UA answered, so it and its NAT pinhole are alive) resets the binding's
 * miss count and yields an RTT; a ping still unanswered when the next one to its binding leaves
 * ({@link #overdue}, one interval later), Timer F without an answer, or a transport error, is a
 * miss, counted once. So lostPingLimit K removes a dead UA about K intervals after it went
 * silent, also when the interval is shorter than Timer F (32 s). An answer arriving after its
 * ping was counted missed still resets the miss count: the UA is alive, only slow.
 *
 * <p>Keyed by branch, not by transaction, and registered before the request is handed to the
 * transaction layer: a response racing back on another event loop before
 * {@code sendRequest} returns still finds its ping.
 *
 * <p>Several pings to one binding may be in flight at once (Timer F, 32 s, outlasts a 30 s
 * interval): each one counts for itself.
 */
final class PendingPings {
    private static final Logger log = LoggerFactory.getLogger(PendingPings.class);

    /** One OPTIONS in flight: which binding, at which flow, sent when. */
    static final class Ping {
        final Tracked tracked;
        final Tracked.Target target;
        final long sentNanos;
        private boolean answered; // guarded by this
        private boolean missed;   // guarded by this: counted as a miss already

        Ping(Tracked tracked, Tracked.Target target, long sentNanos) {
            this.tracked = tracked;
            this.target = target;
            this.sentNanos = sentNanos;
        }

        /** True for the first answer only (a 1xx then the final are one answer). */
        synchronized boolean markAnswered() {
            if (answered) return false;
            answered = true;
            return true;
        }

        synchronized boolean isAnswered() { return answered; }

        /** True once, for the first caller finding it unanswered: that caller counts the miss. */
        synchronized boolean claimMiss() {
            if (answered || missed) return false;
            missed = true;
            return true;
        }
    }

    private final ConcurrentHashMap<String, Ping> byBranch = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final KeepAliveEvents events;
    private final Consumer<Ping> onMiss;
    final LongAdder answered = new LongAdder();
    final LongAdder unanswered = new LongAdder();

    PendingPings(LongSupplier nanoClock, KeepAliveEvents events, Consumer<Ping> onMiss) {
        this.nanoClock = nanoClock;
        this.events = events;
        this.onMiss = onMiss;
    }

    void add(String branch, Ping p) { byBranch.put(branch, p); }

    /** The request never left (the layer refused it): forget it, it is no miss of the UA's. */
    void cancel(String branch) { byBranch.remove(branch); }

    boolean owns(ClientTransaction tx) { return byBranch.containsKey(tx.branch()); }

    boolean onResponse(ClientTransaction tx, SipResponse response) {
        String branch = tx.branch();
        Ping p = response.isFinal() ? byBranch.remove(branch) : byBranch.get(branch);
        if (p == null) return false;
        if (p.markAnswered()) {
            long rtt = Math.max(0, nanoClock.getAsLong() - p.sentNanos);
            answered.increment();
            p.tracked.answered(rtt);
            try {
                events.onRtt(p.tracked.aor, p.tracked.contact, Duration.ofNanos(rtt));
            } catch (RuntimeException e) {
                log.warn("keep-alive: RTT listener failed for {}", p.tracked, e);
            }
        }
        return true;
    }

    /** Timer F: unanswered, unless a provisional response came (the UA is there, just slow). */
    boolean onTimeout(ClientTransaction tx) {
        Ping p = byBranch.remove(tx.branch());
        if (p == null) return false;
        if (p.claimMiss()) miss(p);
        return true;
    }

    /**
     * The next ping to {@code p}'s binding is leaving: if {@code p} is still unanswered, it is a
     * miss now. It stays in flight: a late answer still counts as one, Timer F removes it.
     */
    void overdue(Ping p) {
        if (p.claimMiss()) miss(p);
    }

    /**
     * The transaction ended. Still pending here only when it ended without a final response or a
     * timeout: a transport error (connection refused, allow-list) — the ping did not get through.
     */
    boolean onTerminated(Transaction tx) {
        if (!(tx instanceof ClientTransaction c)) return false;
        Ping p = byBranch.remove(c.branch());
        if (p == null) return false;
        if (p.claimMiss()) miss(p);
        return true;
    }

    private void miss(Ping p) {
        unanswered.increment();
        onMiss.accept(p);
    }

    int size() { return byBranch.size(); }
}
