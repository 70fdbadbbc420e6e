package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.sipfleet.cluster.location.Registers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link LocationStoreContract} and the Redis store's own tests again, every REGISTER through
 * the batched path ({@code location-register-many.lua}), and what batching adds: REGISTERs of one
 * window go in one call, in order, each answered as on its own, and one that fails does not fail
 * the others.
 */
class RedisLocationStoreBatchedTest extends RedisLocationStoreTest {
    /** Long enough that everything a test issues at once lands in one batch. */
    static final long WINDOW_MICROS = 50_000;
    static ScheduledExecutorService flusher;

    @BeforeAll
    static void startFlusher() {
        flusher = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "register-flusher"));
    }

    @AfterAll
    static void stopFlusher() {
        if (flusher != null) flusher.shutdownNow();
    }

    @Override
    LocationStore newStore(MutableClock clock) {
        redis.deleteCluster(CLUSTER);
        return new RedisLocationStore(redis.newConnection(), CLUSTER, clock::millis, flusher, WINDOW_MICROS, 8);
    }

    /** Script calls the server has run, by digest or (after NOSCRIPT) by source. */
    private long scriptCalls() {
        long calls = 0;
        for (String line : redis.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:calls=") || line.startsWith("cmdstat_eval:calls=")) {
                calls += Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
            }
        }
        return calls;
    }

    @Test
    void registersOfOneWindowGoInOneCallInOrderEachWithItsOwnAnswer() {
        // scripts loaded first (a fresh Redis answers the first EVALSHA with NOSCRIPT, then EVAL)
        get(store.register("sip:warm@example.net", req("cid-w", 1, T0, c("sip:warm@192.0.2.99", 60))));
        get(store.lookup("sip:warm@example.net"));
        long callsBefore = scriptCalls();
        List<CompletableFuture<RegistrationResult>> results = new ArrayList<>();
        // Seven REGISTERs at once: three AoRs, and alice twice with the same Call-ID (the second,
        // a lower CSeq, is out of order only if the first was applied before it), then again.
        results.add(store.register(AOR, req("cid-a", 5, T0, c("sip:alice@192.0.2.1", 60))).toCompletableFuture());
        results.add(store.register("sip:bob@example.net", req("cid-b", 1, T0, c("sip:bob@192.0.2.2", 60))).toCompletableFuture());
        results.add(store.register(AOR, req("cid-a", 4, T0, c("sip:alice@192.0.2.1", 90))).toCompletableFuture());
        results.add(store.register(AOR, req("cid-a", 5, T0, c("sip:alice@192.0.2.1", 90))).toCompletableFuture());
        results.add(store.register(AOR, req("cid-a", 6, T0, c("sip:alice@192.0.2.1", 120))).toCompletableFuture());
        results.add(store.register("sip:carol@example.net", req("cid-c", 1, T0, c("sip:carol@192.0.2.3", 60),
                c("sip:carol@192.0.2.4", 60))).toCompletableFuture());
        results.add(store.register("sip:bob@example.net", wildcard("cid-b", 2, T0)).toCompletableFuture());
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.SECONDS).join();

        assertThat(results.get(0).join().added()).extracting(Binding::contact).containsExactly("sip:alice@192.0.2.1");
        assertThat(results.get(1).join().added()).extracting(Binding::contact).containsExactly("sip:bob@192.0.2.2");
        assertThat(results.get(2).join().status()).isEqualTo(RegistrationResult.Status.OUT_OF_ORDER);
        assertThat(results.get(3).join().status()).isEqualTo(RegistrationResult.Status.REPEATED);
        RegistrationResult refresh = results.get(4).join();
        assertThat(refresh.refreshed()).extracting(Binding::contact).containsExactly("sip:alice@192.0.2.1");
        assertThat(refresh.bindings()).singleElement().satisfies(b -> assertThat(b.expiresAtMillis()).isEqualTo(T0 + 120_000));
        assertThat(results.get(5).join().bindings()).hasSize(2);
        assertThat(results.get(6).join().isOk()).isTrue();
        assertThat(get(store.lookup("sip:bob@example.net"))).isEmpty();
        assertThat(events).contains("UNREGISTERED sip:bob@192.0.2.2");
        // one register-many call for the seven, and one for the lookup
        assertThat(scriptCalls() - callsBefore).isEqualTo(2);
    }

    @Test
    void aFullBatchGoesAtOnceWithoutWaitingForTheWindow() {
        List<CompletableFuture<RegistrationResult>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            results.add(store.register("sip:u" + i + "@example.net", req("cid-" + i, 1, T0, c("sip:u@192.0.2." + i, 60)))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start)).isLessThan(WINDOW_MICROS);
        assertThat(results).allSatisfy(r -> assertThat(r.join().added()).hasSize(1));
        assertThat(get(store.count())).isEqualTo(8);
    }

    @Test
    void aRegisterThatFailsInTheStoreFailsAloneNotItsBatch() {
        // a binding in a format no script knows: the register of its AoR fails in Lua
        redis.sync().hset("sf:{" + CLUSTER + "}:aor:sip:broken@example.net", "sip:x@192.0.2.9", "9;garbage");
        CompletableFuture<RegistrationResult> broken = store.register("sip:broken@example.net",
                req("cid-x", 1, T0, c("sip:x@192.0.2.10", 60))).toCompletableFuture();
        CompletableFuture<RegistrationResult> fine = store.register(AOR, req("cid-a", 1, T0, c("sip:alice@192.0.2.1", 60)))
                .toCompletableFuture();

        assertThat(fine.orTimeout(5, TimeUnit.SECONDS).join().added()).hasSize(1);
        assertThatThrownBy(() -> broken.orTimeout(5, TimeUnit.SECONDS).join())
                .hasMessageContaining("register script failed for sip:broken@example.net")
                .hasMessageContaining("unknown binding format");
        assertThat(contacts()).containsExactly("sip:alice@192.0.2.1");
    }
}
