package io.sipfleet.cluster.location;

import io.sipfleet.cluster.location.AorUpdate.Outcome;
import io.sipfleet.cluster.location.AorUpdate.Removal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The location service of one node (and of the all-in-one {@code sipfleet up}). Each AoR's bindings
 * are an immutable, lookup-ordered array replaced whole under {@code ConcurrentHashMap.compute}:
 * a REGISTER is atomic per AoR, and a lookup is one hash probe plus an expiry filter, lock-free.
 *
 * <p>Expiry: a binding past its time is never returned ({@code lookup} filters by the clock);
 * {@link #sweep(long)}, called by the owner on a timer, drops them and fires the listeners. An AoR
 * with no bindings left is removed from the map, so the map holds only registered AoRs.
 *
 * <p>Footprint: see {@code InMemoryLocationStoreFootprintTest} (about 0.5 KiB per binding with
 * realistic strings, most of it the Contact, Call-ID and instance strings themselves).
 */
public final class InMemoryLocationStore implements LocationStore {
    private static final Logger log = LoggerFactory.getLogger(InMemoryLocationStore.class);
    /** Member ids, listener addresses and User-Agents: a few hundred distinct values in practice. */
    private static final int SHARED_STRINGS = 4096;

    private final ConcurrentHashMap<String, AorRecord> aors = new ConcurrentHashMap<>();
    private final AtomicInteger bindingCount = new AtomicInteger();
    private final Interner strings = new Interner(SHARED_STRINGS);
    private final List<BindingListener> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    /** {@code clock} decides expiry for reads and sweeps; writes use {@link RegisterRequest#nowMillis}. */
    public InMemoryLocationStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<List<Binding>> lookup(String aor) {
        AorRecord rec = aors.get(aor);
        return CompletableFuture.completedStage(rec == null ? List.of() : rec.live(clock.millis()));
    }

    @Override
    public CompletionStage<RegistrationResult> register(String aor, RegisterRequest request) {
        try {
            Objects.requireNonNull(aor, "aor");
            Objects.requireNonNull(request, "request");
            Outcome[] out = new Outcome[1];
            aors.compute(aor, (key, rec) -> {
                Binding[] before = rec == null ? AorUpdate.NONE : rec.bindings();
                Outcome o = AorUpdate.apply(before, key, request, strings);
                out[0] = o;
                // Counted inside compute so the gauge never drifts from the map under races.
                bindingCount.addAndGet(o.next().length - before.length);
                return o.next().length == 0 ? null : new AorRecord(o.next());
            });
            fire(out[0].removals());
            return CompletableFuture.completedStage(out[0].result());
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    @Override
    public CompletionStage<Boolean> remove(String aor, String contact) {
        return removeWhere(aor, contact, b -> true);
    }

    @Override
    public CompletionStage<Boolean> removeIfCurrent(Binding seen) {
        return removeWhere(seen.aor(), seen.contact(),
                b -> b.callId().equals(seen.callId()) && b.cseq() == seen.cseq());
    }

    private CompletionStage<Boolean> removeWhere(String aor, String contact, Predicate<Binding> still) {
        Binding[] removed = new Binding[1];
        aors.computeIfPresent(aor, (key, rec) -> {
            Binding[] bs = rec.bindings();
            for (int i = 0; i < bs.length; i++) {
                if (bs[i].contact().equals(contact) && still.test(bs[i])) {
                    removed[0] = bs[i];
                    bindingCount.decrementAndGet();
                    Binding[] next = rec.without(i);
                    return next.length == 0 ? null : new AorRecord(next);
                }
            }
            return rec;
        });
        if (removed[0] == null) return CompletableFuture.completedStage(false);
        fire(List.of(new Removal(removed[0], BindingListener.Cause.DROPPED)));
        return CompletableFuture.completedStage(true);
    }

    @Override
    public CompletionStage<Integer> count() {
        return CompletableFuture.completedStage(bindingCount.get());
    }

    @Override
    public CompletionStage<Void> forEachOwnedBy(String memberId, Consumer<Binding> action) {
        try {
            long now = clock.millis();
            for (AorRecord rec : aors.values()) {
                for (Binding b : rec.bindings()) {
                    if (!b.isExpiredAt(now) && b.memberId().equals(memberId)) action.accept(b);
                }
            }
            return CompletableFuture.completedStage(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    @Override
    public CompletionStage<Integer> sweep() {
        return CompletableFuture.completedStage(sweep(clock.millis()));
    }

    /**
     * Drops every binding expired at {@code nowMillis} and fires {@code EXPIRED} for each. A full
     * pass over the AoRs (a few milliseconds for 100,000), touching only AoRs with something to drop.
     */
    public int sweep(long nowMillis) {
        List<Removal> removals = new ArrayList<>();
        aors.forEach((aor, seen) -> {
            if (seen.earliestExpiry() > nowMillis) return;
            aors.computeIfPresent(aor, (key, rec) -> {
                Binding[] bs = rec.bindings();
                int kept = 0;
                for (Binding b : bs) {
                    if (b.isExpiredAt(nowMillis)) removals.add(new Removal(b, BindingListener.Cause.EXPIRED));
                    else kept++;
                }
                if (kept == bs.length) return rec;
                bindingCount.addAndGet(kept - bs.length);
                return kept == 0 ? null : new AorRecord(rec.liveArray(nowMillis, kept));
            });
        });
        fire(removals);
        return removals.size();
    }

    @Override
    public void addListener(BindingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** AoRs with at least one binding held (expired ones included until swept). */
    int aorCount() { return aors.size(); }

    int sharedStrings() { return strings.size(); }

    private void fire(List<Removal> removals) {
        if (removals.isEmpty() || listeners.isEmpty()) return;
        for (Removal r : removals) {
            for (BindingListener l : listeners) {
                try {
                    l.onRemoved(r.binding(), r.cause());
                } catch (RuntimeException e) {
                    // A broken listener must not undo or block the store's own change.
                    log.warn("binding listener failed on {} {} {}", r.cause(), r.binding().aor(), r.binding().contact(), e);
                }
            }
        }
    }
}
