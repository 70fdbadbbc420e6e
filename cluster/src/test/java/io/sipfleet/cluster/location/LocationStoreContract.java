package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import io.sipfleet.cluster.location.RegistrationResult.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.sipfleet.cluster.location.Registers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link LocationStore} does: RFC 3261 10.3 steps 6-8 (and RFC 5626 instance matching),
 * expiry, sweeps, removals by the switch and listeners. Run against the in-memory store and the
 * Redis store, each on a clock the test moves ({@link #newStore}).
 */
abstract class LocationStoreContract {
    static final String AOR = "sip:alice@example.net";
    static final long T0 = 1_700_000_000_000L;

    final MutableClock clock = new MutableClock(T0);
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    LocationStore store;

    /** A store on {@code clock}, empty. */
    abstract LocationStore newStore(MutableClock clock);

    /** AoRs the store holds anything for (expired bindings included until swept). */
    abstract int heldAors();

    @BeforeEach
    void createStore() {
        store = newStore(clock);
        store.addListener((b, cause) -> events.add(cause + " " + b.contact()));
    }

    RegistrationResult register(RegisterRequest r) { return get(store.register(AOR, r)); }

    List<String> contacts() { return get(store.lookup(AOR)).stream().map(Binding::contact).toList(); }

    @Test
    void addsABindingWithWhereTheRequestCameFrom() {
        RegistrationResult r = register(req("cid-1", 1, T0, c("sip:alice@192.168.1.5:5060", 3600)));

        assertThat(r.isOk()).isTrue();
        assertThat(r.added()).hasSize(1);
        assertThat(r.refreshed()).isEmpty();
        Binding b = get(store.lookup(AOR)).getFirst();
        assertThat(b.aor()).isEqualTo(AOR);
        assertThat(b.expiresAtMillis()).isEqualTo(T0 + 3_600_000);
        assertThat(b.flow()).isEqualTo(FLOW);
        assertThat(b.memberId()).isEqualTo(MEMBER);
        assertThat(b.remainingSeconds(T0 + 1)).isEqualTo(3600);
        assertThat(r.atMillis()).isEqualTo(T0);                        // the 200 OK counts expires from here
        assertThat(r.bindings()).containsExactly(b);
        assertThat(get(store.count())).isEqualTo(1);
    }

    @Test
    void ordersByQThenMostRecent() {
        register(req("a", 1, T0, cq("sip:a@h", 60, 500)));
        clock.advance(10);
        register(req("b", 1, T0 + 10, c("sip:b@h", 60)));        // no q: ordered as 1.0
        clock.advance(10);
        register(req("c", 1, T0 + 20, cq("sip:c@h", 60, 500)));
        clock.advance(10);
        register(req("d", 1, T0 + 30, cq("sip:d@h", 60, 900)));

        assertThat(contacts()).containsExactly("sip:b@h", "sip:d@h", "sip:c@h", "sip:a@h");
    }

    @Test
    void sameCallIdHigherCSeqRefreshes() {
        register(req("cid", 1, T0, c("sip:a@h", 60)));
        clock.advance(30_000);
        Flow moved = Flow.udp("203.0.113.7", 40999, "10.0.0.1", 5060);   // NAT mapping changed
        RegisterRequest refresh = new RegisterRequest("cid", 2, false, List.of(c("sip:a@h", 60)), moved,
                null, MEMBER, null, 0, clock.millis());
        RegistrationResult r = get(store.register(AOR, refresh));

        assertThat(r.isOk()).isTrue();
        assertThat(r.added()).isEmpty();
        assertThat(r.refreshed()).singleElement().satisfies(b -> {
            assertThat(b.expiresAtMillis()).isEqualTo(T0 + 90_000);
            assertThat(b.flow().sourcePort()).isEqualTo(40999);
            assertThat(b.cseq()).isEqualTo(2);
        });
        assertThat(get(store.count())).isEqualTo(1);
    }

    @Test
    void sameCallIdLowerCSeqFailsAndTheSameCSeqIsARepeatThatChangesNothing() {
        register(req("cid", 5, T0, c("sip:a@h", 60)));

        for (long cseq : new long[] {5, 4}) {
            // The new contact must not be added either: all or nothing (step 8). CSeq 5 is the
            // request that wrote the binding, seen again: answered (200), not applied again.
            RegistrationResult r = register(req("cid", cseq, T0 + 1, c("sip:new@h", 60), c("sip:a@h", 3600)));
            assertThat(r.status()).isEqualTo(cseq == 5 ? Status.REPEATED : Status.OUT_OF_ORDER);
            assertThat(r.isOk()).isEqualTo(cseq == 5);
            assertThat(r.added()).isEmpty();
            assertThat(r.bindings()).extracting(Binding::contact).containsExactly("sip:a@h");
        }
        assertThat(contacts()).containsExactly("sip:a@h");
        assertThat(get(store.lookup(AOR)).getFirst().expiresAtMillis()).isEqualTo(T0 + 60_000);
    }

    @Test
    void otherCallIdReplacesWhateverItsCSeq() {
        register(req("old", 100, T0, c("sip:a@h", 60)));
        RegistrationResult r = register(req("rebooted", 1, T0 + 5, c("sip:a@h", 120)));

        assertThat(r.isOk()).isTrue();
        assertThat(r.refreshed()).singleElement().extracting(Binding::callId).isEqualTo("rebooted");
        assertThat(contacts()).containsExactly("sip:a@h");
    }

    @Test
    void expiresZeroRemovesAndUnknownContactIsANoOp() {
        register(req("cid", 1, T0, c("sip:a@h", 60), c("sip:b@h", 60)));
        RegistrationResult r = register(req("cid", 2, T0 + 1, c("sip:a@h", 0), c("sip:never@h", 0)));

        assertThat(r.isOk()).isTrue();
        assertThat(r.removed()).extracting(Binding::contact).containsExactly("sip:a@h");
        assertThat(contacts()).containsExactly("sip:b@h");
        assertThat(events).containsExactly("UNREGISTERED sip:a@h");
        assertThat(get(store.count())).isEqualTo(1);
    }

    @Test
    void wildcardRemovesAllUnlessOutOfOrderOrRepeated() {
        register(req("x", 7, T0, c("sip:a@h", 60)));
        register(req("y", 1, T0, c("sip:b@h", 60)));

        assertThat(register(wildcard("x", 6, T0 + 1)).status()).isEqualTo(Status.OUT_OF_ORDER);
        assertThat(register(wildcard("x", 7, T0 + 1)).status()).isEqualTo(Status.REPEATED);
        assertThat(contacts()).hasSize(2);

        RegistrationResult r = register(wildcard("x", 8, T0 + 1));
        assertThat(r.isOk()).isTrue();
        assertThat(r.bindings()).isEmpty();
        assertThat(r.removed()).hasSize(2);
        assertThat(contacts()).isEmpty();
        assertThat(heldAors()).isZero();
        assertThat(get(store.count())).isZero();
        assertThat(events).containsExactlyInAnyOrder("UNREGISTERED sip:a@h", "UNREGISTERED sip:b@h");
    }

    @Test
    void wildcardNeedsToBeAlone() {
        assertThatThrownBy(() -> new RegisterRequest("x", 1, true, List.of(c("sip:a@h", 0)), FLOW, null, MEMBER,
                null, 0, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameInstanceAndRegIdReplacesTheOldContactUri() {
        String inst = "<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";
        register(req("cid-1", 1, T0, ci("sip:a@192.168.1.5:5060;ob", 60, inst, 1)));
        // Phone moved networks: new contact URI, same instance and flow number, new Call-ID.
        RegistrationResult r = register(req("cid-2", 1, T0 + 1, ci("sip:a@10.9.8.7:5060;ob", 60, inst, 1)));

        assertThat(r.added()).extracting(Binding::contact).containsExactly("sip:a@10.9.8.7:5060;ob");
        assertThat(r.removed()).extracting(Binding::contact).containsExactly("sip:a@192.168.1.5:5060;ob");
        assertThat(contacts()).containsExactly("sip:a@10.9.8.7:5060;ob");
        assertThat(events).containsExactly("REPLACED sip:a@192.168.1.5:5060;ob");

        // A second flow (reg-id 2) of the same instance is a binding of its own.
        register(req("cid-3", 1, T0 + 2, ci("sip:a@10.9.8.7:5062;ob", 60, inst, 2)));
        assertThat(contacts()).hasSize(2);
        assertThat(get(store.count())).isEqualTo(2);
    }

    @Test
    void instanceMatchStillObeysCSeq() {
        String inst = "<urn:uuid:1>";
        register(req("cid", 9, T0, ci("sip:a@h1", 60, inst, 1)));
        assertThat(register(req("cid", 8, T0 + 1, ci("sip:a@h2", 60, inst, 1))).status())
                .isEqualTo(Status.OUT_OF_ORDER);
        assertThat(contacts()).containsExactly("sip:a@h1");
    }

    @Test
    void sameContactTwiceInOneRequestLastWins() {
        RegistrationResult r = register(req("cid", 1, T0, c("sip:a@h", 60), c("sip:a@h", 0), c("sip:b@h", 30)));
        assertThat(r.isOk()).isTrue();
        assertThat(contacts()).containsExactly("sip:b@h");

        r = register(req("cid", 2, T0, c("sip:a@h", 0), c("sip:a@h", 120)));
        assertThat(r.added()).extracting(Binding::expiresAtMillis).containsExactly(T0 + 120_000);
        assertThat(contacts()).containsExactlyInAnyOrder("sip:a@h", "sip:b@h");
    }

    @Test
    void queryChangesNothing() {
        register(req("cid", 1, T0, c("sip:a@h", 60)));
        RegistrationResult r = register(req("other", 1, T0 + 1));
        assertThat(r.isOk()).isTrue();
        assertThat(r.bindings()).extracting(Binding::contact).containsExactly("sip:a@h");
        assertThat(r.added()).isEmpty();
        assertThat(r.removed()).isEmpty();
    }

    @Test
    void maxBindingsRefusesGrowthButNotRefresh() {
        for (int i = 0; i < 2; i++) {
            RegisterRequest r = new RegisterRequest("cid" + i, 1, false, List.of(c("sip:" + i + "@h", 60)), FLOW,
                    null, MEMBER, null, 2, T0);
            assertThat(register(r).isOk()).isTrue();
        }
        RegisterRequest third = new RegisterRequest("cid2", 1, false, List.of(c("sip:2@h", 60)), FLOW,
                null, MEMBER, null, 2, T0);
        assertThat(register(third).status()).isEqualTo(Status.TOO_MANY_BINDINGS);
        assertThat(contacts()).hasSize(2);

        // Limit lowered to 1 by a config reload: the AoR is over it, a refresh still goes through.
        RegisterRequest refresh = new RegisterRequest("cid0", 2, false, List.of(c("sip:0@h", 60)), FLOW,
                null, MEMBER, null, 1, T0 + 1);
        assertThat(register(refresh).isOk()).isTrue();
    }

    // Housekeeping

    @Test
    void expiredBindingIsNeverReturnedAndSweepFiresExpired() {
        register(req("cid", 1, T0, c("sip:short@h", 10), c("sip:long@h", 100)));

        clock.set(T0 + 9_999);
        assertThat(contacts()).containsExactlyInAnyOrder("sip:short@h", "sip:long@h");
        clock.set(T0 + 10_000);
        assertThat(contacts()).containsExactly("sip:long@h");          // before any sweep
        assertThat(get(store.count())).isEqualTo(2);                     // held until swept

        assertThat(get(store.sweep())).isEqualTo(1);
        assertThat(events).containsExactly("EXPIRED sip:short@h");
        assertThat(get(store.count())).isEqualTo(1);

        clock.set(T0 + 100_000);
        assertThat(contacts()).isEmpty();
        assertThat(get(store.sweep())).isEqualTo(1);
        assertThat(heldAors()).isZero();
        assertThat(get(store.count())).isZero();
    }

    @Test
    void expiredBindingDoesNotBlockARegisterByCSeq() {
        register(req("cid", 9, T0, c("sip:a@h", 10)));
        clock.set(T0 + 10_000);
        RegistrationResult r = register(req("cid", 3, clock.millis(), c("sip:a@h", 10)));

        assertThat(r.isOk()).isTrue();
        assertThat(r.added()).hasSize(1);                                // it had ceased to exist
        assertThat(events).containsExactly("EXPIRED sip:a@h");
        assertThat(get(store.count())).isEqualTo(1);
    }

    @Test
    void removeAndRemoveIfCurrent() {
        register(req("cid", 1, T0, c("sip:a@h", 60), c("sip:b@h", 60)));
        Binding seen = get(store.lookup(AOR)).stream().filter(b -> b.contact().equals("sip:a@h")).findFirst().orElseThrow();

        register(req("cid", 2, T0 + 1, c("sip:a@h", 60)));                  // re-registered meanwhile
        assertThat(get(store.removeIfCurrent(seen))).isFalse();
        assertThat(contacts()).contains("sip:a@h");

        assertThat(get(store.remove(AOR, "sip:a@h"))).isTrue();
        assertThat(get(store.remove(AOR, "sip:a@h"))).isFalse();
        assertThat(get(store.remove("sip:nobody@example.net", "sip:a@h"))).isFalse();
        Binding b = get(store.lookup(AOR)).getFirst();
        assertThat(get(store.removeIfCurrent(b))).isTrue();
        assertThat(events).containsExactly("DROPPED sip:a@h", "DROPPED sip:b@h");
        assertThat(heldAors()).isZero();
        assertThat(get(store.count())).isZero();
    }

    @Test
    void forEachOwnedBySkipsOtherMembersAndExpired() {
        register(req("cid", 1, T0, c("sip:a@h", 10), c("sip:b@h", 100)));
        get(store.register("sip:bob@example.net", new RegisterRequest("z", 1, false, List.of(c("sip:bob@h", 100)),
                FLOW, null, "switch-b", null, 0, T0)));
        clock.set(T0 + 10_000);

        List<String> mine = new ArrayList<>();
        get(store.forEachOwnedBy(MEMBER, b -> mine.add(b.contact())));
        assertThat(mine).containsExactly("sip:b@h");
    }

    @Test
    void aFailingListenerDoesNotBreakTheStore() {
        store.addListener((b, cause) -> { throw new IllegalStateException("boom"); });
        register(req("cid", 1, T0, c("sip:a@h", 60)));
        assertThat(register(req("cid", 2, T0, c("sip:a@h", 0))).isOk()).isTrue();
        assertThat(events).containsExactly("UNREGISTERED sip:a@h");
    }
}
