package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sipfleet.cluster.location.Registers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two switches (two stores, two connections) on one cluster in real Redis, on the Redis clock:
 * what one writes the other reads at once, expiry follows Redis TIME whatever the switches'
 * clocks say, listeners hear only their own store's removals, and large owner indexes and sweeps
 * are paged.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisLocationStoreSharingTest {
    static final String CLUSTER = RedisTestSupport.newClusterId("location-sharing");
    static final String AOR = "sip:alice@example.net";
    static RedisTestSupport redis;

    RedisLocationStore a, b;
    final List<String> eventsA = Collections.synchronizedList(new ArrayList<>());
    final List<String> eventsB = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void connect() { redis = RedisTestSupport.open(); }

    @AfterAll
    static void disconnect() {
        if (redis == null) return;
        redis.deleteCluster(CLUSTER);
        redis.close();
    }

    @BeforeEach
    void twoSwitches() {
        redis.deleteCluster(CLUSTER);
        a = new RedisLocationStore(redis.newConnection(), CLUSTER);
        b = new RedisLocationStore(redis.newConnection(), CLUSTER);
        a.addListener((x, cause) -> eventsA.add(cause + " " + x.contact()));
        b.addListener((x, cause) -> eventsB.add(cause + " " + x.contact()));
    }

    long redisNow() {
        List<String> t = redis.sync().time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    static RegisterRequest from(String member, String callId, long cseq, long clientNow, ContactUpdate... contacts) {
        return new RegisterRequest(callId, cseq, false, List.of(contacts), FLOW, "PhoneX/1.0", member, null, 0, clientNow);
    }

    @Test
    void aRegisterOnOneSwitchIsVisibleOnAnotherAtOnce() {
        RegistrationResult r = get(a.register(AOR, from("switch-a", "cid", 1, 0, c("sip:a@h", 3600))));
        assertThat(r.isOk()).isTrue();

        assertThat(get(b.lookup(AOR))).containsExactlyElementsOf(r.bindings());
        assertThat(get(b.count())).isEqualTo(1);

        // The phone's next REGISTER reaches switch B: the binding and its ownership move there.
        RegistrationResult moved = get(b.register(AOR, from("switch-b", "cid", 2, 0, c("sip:a@h", 3600))));
        assertThat(moved.refreshed()).singleElement().extracting(Binding::memberId).isEqualTo("switch-b");
        List<Binding> ownedByA = new ArrayList<>(), ownedByB = new ArrayList<>();
        get(a.forEachOwnedBy("switch-a", ownedByA::add));
        get(a.forEachOwnedBy("switch-b", ownedByB::add));
        assertThat(ownedByA).isEmpty();
        assertThat(ownedByB).containsExactlyElementsOf(moved.bindings());
        // A retransmission of that REGISTER reaching A is seen as the request B applied: no
        // change, ownership stays with B; an older one is refused by the CSeq B wrote.
        assertThat(get(a.register(AOR, from("switch-a", "cid", 2, 0, c("sip:a@h", 3600)))).status())
                .isEqualTo(RegistrationResult.Status.REPEATED);
        assertThat(get(a.register(AOR, from("switch-a", "cid", 1, 0, c("sip:a@h", 3600)))).status())
                .isEqualTo(RegistrationResult.Status.OUT_OF_ORDER);
        ownedByB.clear();
        get(a.forEachOwnedBy("switch-b", ownedByB::add));
        assertThat(ownedByB).containsExactlyElementsOf(moved.bindings());

        assertThat(get(b.remove(AOR, "sip:a@h"))).isTrue();
        assertThat(get(a.lookup(AOR))).isEmpty();
        assertThat(get(a.count())).isZero();
        assertThat(eventsB).containsExactly("DROPPED sip:a@h");
        assertThat(eventsA).isEmpty();                                   // listeners are local
        assertThat(redis.keys(CLUSTER)).isEmpty();                       // no index entry left behind
    }

    @Test
    void expiryFollowsTheRedisClockWhateverTheSwitchesClocksSay() {
        long before = redisNow();
        long dayMillis = 86_400_000L;
        // Switch A's clock is a day behind, B's a day ahead: neither matters.
        RegistrationResult first = get(a.register(AOR, from("switch-a", "cid-1", 1, before - dayMillis, c("sip:short@h", 1))));
        assertThat(first.atMillis()).isEqualTo(first.added().getFirst().registeredAtMillis()).isBetween(before, redisNow());
        assertThat(first.added().getFirst().remainingSeconds(first.atMillis())).isEqualTo(1);
        get(b.register(AOR, from("switch-b", "cid-2", 1, before + dayMillis, c("sip:long@h", 60))));
        long after = redisNow();

        List<Binding> both = get(b.lookup(AOR));
        assertThat(both).extracting(Binding::contact).containsExactlyInAnyOrder("sip:short@h", "sip:long@h");
        for (Binding x : both) {
            assertThat(x.registeredAtMillis()).isBetween(before, after);
        }
        Binding shortOne = both.stream().filter(x -> x.contact().equals("sip:short@h")).findFirst().orElseThrow();
        assertThat(shortOne.expiresAtMillis() - shortOne.registeredAtMillis()).isEqualTo(1_000);

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> get(a.lookup(AOR)).size() == 1);
        assertThat(redisNow()).isGreaterThanOrEqualTo(shortOne.expiresAtMillis());
        assertThat(get(b.lookup(AOR))).extracting(Binding::contact).containsExactly("sip:long@h");
        assertThat(get(a.count())).isEqualTo(2);                         // held until swept

        assertThat(get(b.sweep())).isEqualTo(1);
        assertThat(get(a.sweep())).isZero();                             // B already took it
        assertThat(eventsB).containsExactly("EXPIRED sip:short@h");
        assertThat(eventsA).isEmpty();
        assertThat(get(a.count())).isEqualTo(1);
        assertThat(redis.keys(CLUSTER)).containsExactlyInAnyOrder("sf:{" + CLUSTER + "}:aor:" + AOR,
                "sf:{" + CLUSTER + "}:exp", "sf:{" + CLUSTER + "}:own:switch-b");
    }

    /** 1,500 REGISTERs sent at once (the stores never block), then paged iteration and batched sweeps. */
    @Test
    void manyBindingsArePagedAndSweptInBatches() {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        RedisLocationStore store = new RedisLocationStore(redis.newConnection(), CLUSTER, clock::millis);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        store.addListener((x, cause) -> events.add(cause.name()));
        int ofA = 1_200, ofB = 300;
        List<CompletableFuture<RegistrationResult>> sent = new ArrayList<>();
        for (int i = 0; i < ofA + ofB; i++) {
            boolean mineA = i < ofA;
            RegisterRequest r = from(mineA ? "switch-a" : "switch-b", "cid-" + i, 1, 0,
                    c("sip:u" + i + "@192.0.2.1", mineA ? 10 : 3600));
            sent.add(store.register("sip:u" + i + "@example.net", r).toCompletableFuture());
        }
        for (var f : sent) assertThat(f.join().added()).hasSize(1);
        assertThat(get(store.count())).isEqualTo(ofA + ofB);

        Set<String> seen = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        get(store.forEachOwnedBy("switch-a", x -> {
            calls.incrementAndGet();
            seen.add(x.aor());
            threads.add(Thread.currentThread().getName());
        }));
        assertThat(seen).hasSize(ofA);
        assertThat(calls.get()).isEqualTo(ofA);                          // once each
        // Paged on the Redis client's thread: each later page is asked for from the callback of the
        // one before, so it runs there. The first page's callbacks may still run here, when Redis
        // answered before the caller attached to the reply (seen once: ["lettuce-...", "main"]).
        String caller = Thread.currentThread().getName();
        assertThat(threads).anyMatch(t -> !t.equals(caller));

        clock.advance(10_000);
        List<Binding> expiredOwned = new ArrayList<>();
        get(store.forEachOwnedBy("switch-a", expiredOwned::add));
        assertThat(expiredOwned).isEmpty();                              // expired, even before the sweep

        assertThat(get(store.sweep())).isEqualTo(ofA);                   // three batches of up to 500
        assertThat(events).hasSize(ofA).containsOnly("EXPIRED");
        assertThat(get(store.count())).isEqualTo(ofB);
        assertThat(redis.sync().exists("sf:{" + CLUSTER + "}:own:switch-a")).isZero();
        List<Binding> ofSwitchB = new ArrayList<>();
        get(store.forEachOwnedBy("switch-b", ofSwitchB::add));
        assertThat(ofSwitchB).hasSize(ofB);
    }

    /** Non-ASCII AoR, contact and User-Agent: the scripts count bytes, the Java side too. */
    @Test
    void nonAsciiTextSurvivesEveryPath() {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        RedisLocationStore store = new RedisLocationStore(redis.newConnection(), CLUSTER, clock::millis);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        store.addListener((x, cause) -> events.add(cause + " " + x.contact()));
        String aor = "sip:jürgen@exämple.net", contact = "sip:jürgen@192.0.2.1;x=☎";
        RegisterRequest r = new RegisterRequest("cid-ü", 1, false, List.of(new ContactUpdate(contact, 10, 700, "<urn:uuid:ö>", 1)),
                FLOW, "Téléphone/1.0 😀", "switch-ä", "<sip:edge-ß;lr>", 0, 0);
        Binding written = get(store.register(aor, r)).added().getFirst();
        assertThat(get(store.lookup(aor))).containsExactly(written);
        assertThat(written.userAgent()).isEqualTo("Téléphone/1.0 😀");
        List<Binding> owned = new ArrayList<>();
        get(store.forEachOwnedBy("switch-ä", owned::add));
        assertThat(owned).containsExactly(written);
        clock.advance(10_000);
        assertThat(get(store.sweep())).isEqualTo(1);
        assertThat(events).containsExactly("EXPIRED " + contact);
        assertThat(redis.keys(CLUSTER)).isEmpty();
    }
}
