package io.sipfleet.switching.keepalive;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.LocationStore;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an unanswered ping means: one more miss for its binding, and at {@code lostPingLimit}
 * misses in a row the binding is lost: no longer pinged, {@link KeepAliveEvents#onLost} told,
 * and removed from the store with {@code removeIfCurrent}, so a UA that re-registered meanwhile
 * (new Call-ID/CSeq, maybe a new NAT mapping) keeps its fresh binding. Runs on the transaction
 * timer thread (Timer F) or wherever a transport error surfaced.
 */
final class Losses {
    private static final Logger log = LoggerFactory.getLogger(KeepAliveScheduler.class);
    /** Lost bindings logged by name per round; the rest at DEBUG, counted in the round summary. */
    private static final int LOST_LINES_PER_ROUND = 50;

    private final BindingSet bindings;
    private final LocationStore store;
    private final KeepAliveEvents events;
    private final IntSupplier limit;
    private final RoundLog round;
    final LongAdder lost = new LongAdder();

    Losses(BindingSet bindings, LocationStore store, KeepAliveEvents events, IntSupplier limit, RoundLog round) {
        this.bindings = bindings;
        this.store = store;
        this.events = events;
        this.limit = limit;
        this.round = round;
    }

    void missed(PendingPings.Ping p) {
        Tracked t = p.tracked;
        // gone already, or re-registered since this ping left (new flow): not a miss of the current binding
        if (t.untracked || t.target != p.target) return;
        Binding gone = t.missed(limit.getAsInt());
        // the remove re-checks under the key's lock: a REGISTER refresh that just won keeps its binding
        if (gone == null || !bindings.remove(t, cur -> cur.target.binding() == gone)) return;
        lost.increment();
        int misses = t.misses();
        if (round.logLost(LOST_LINES_PER_ROUND)) {
            log.info("keep-alive: {} {} at {} left {} OPTIONS in a row unanswered: removing the binding", t.aor,
                    t.contact, gone.flow(), misses);
        } else {
            log.debug("keep-alive: {} {} at {} lost after {} unanswered OPTIONS", t.aor, t.contact, gone.flow(), misses);
        }
        try {
            events.onLost(t.aor, t.contact);
        } catch (RuntimeException e) {
            log.warn("keep-alive: lost-binding listener failed for {}", t, e);
        }
        store.removeIfCurrent(gone).whenComplete((removed, err) -> {
            if (err != null) {
                log.warn("keep-alive: could not remove lost binding {} {} from the location store; it stays until it "
                        + "expires at {}: {}", t.aor, t.contact, Instant.ofEpochMilli(gone.expiresAtMillis()), err.toString());
            } else if (!removed) {
                log.debug("keep-alive: lost binding {} {} was already gone or re-registered", t.aor, t.contact);
            }
        });
    }
}
