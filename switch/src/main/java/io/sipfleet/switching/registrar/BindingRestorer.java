package io.sipfleet.switching.registrar;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.cluster.location.RegisterRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts back into the cluster's store the bindings this member owns when the store comes back
 * without them (a Redis restarted empty, a failover to a replica that missed the last writes).
 * The member knows them: it tracks each binding it registered, to ping it. Without this a
 * phone would be unreachable until its next REGISTER refresh, up to its whole expiry later.
 *
 * <p>Only a binding the store lacks is written (the AoR is looked up first), as the REGISTER
 * that made it (same Call-ID and CSeq, its remaining lifetime), so a newer registration made
 * meanwhile through another member is never overwritten, and a store that kept everything
 * is left alone. Runs {@link #BATCH} writes at a time, off the SIP path's critical section
 * (async stages on the store client's threads).
 */
public final class BindingRestorer {
    private static final Logger log = LoggerFactory.getLogger(BindingRestorer.class);
    static final int BATCH = 256;

    private final LocationStore store;
    private final LongSupplier wallMillis;

    public BindingRestorer(LocationStore store, LongSupplier wallMillis) {
        this.store = store;
        this.wallMillis = wallMillis;
    }

    /** Restores what the store lacks of {@code owned}; completes with the number written back. */
    public CompletionStage<Integer> restore(List<Binding> owned) {
        AtomicInteger restored = new AtomicInteger();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < owned.size(); i += BATCH) {
            List<Binding> batch = owned.subList(i, Math.min(owned.size(), i + BATCH));
            chain = chain.thenCompose(v -> {
                List<CompletableFuture<Void>> writes = new ArrayList<>(batch.size());
                for (Binding b : batch) writes.add(restoreOne(b, restored));
                return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
            });
        }
        return chain.thenApply(v -> {
            if (restored.get() > 0) log.warn("registrar: the store had lost {} of the {} bindings this member owns; written back",
                    restored.get(), owned.size());
            return restored.get();
        });
    }

    private CompletableFuture<Void> restoreOne(Binding b, AtomicInteger restored) {
        long remainingMs = b.expiresAtMillis() - wallMillis.getAsLong();
        if (remainingMs < 1_000) return CompletableFuture.completedFuture(null);
        return store.lookup(b.aor()).thenCompose(current -> {
            for (Binding c : current) if (c.contact().equals(b.contact())) return CompletableFuture.<Void>completedFuture(null);
            RegisterRequest request = new RegisterRequest(b.callId(), b.cseq(), false,
                    List.of(new ContactUpdate(b.contact(), (int) Math.max(1, remainingMs / 1000), b.q(), b.instanceId(), b.regId())),
                    b.flow(), b.userAgent(), b.memberId(), b.path(), 0, wallMillis.getAsLong());
            return store.register(b.aor(), request).thenAccept(r -> {
                if (r.isOk()) restored.incrementAndGet();
            });
        }).toCompletableFuture().exceptionally(e -> {
            log.debug("registrar: could not restore {} {}: {}", b.aor(), b.contact(), e.toString());
            return null;
        });
    }
}
