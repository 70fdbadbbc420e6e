package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.sipfleet.cluster.location.Registers.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Expiry, sweeps, removals by the switch, listeners and shared strings of the in-memory store. */
class InMemoryLocationStoreHousekeepingTest {
    static final String AOR = "sip:alice@example.net";
    static final long T0 = 1_700_000_000_000L;

    final MutableClock clock = new MutableClock(T0);
    final InMemoryLocationStore store = new InMemoryLocationStore(clock);
    final List<String> events = new ArrayList<>();

    {
        store.addListener((b, cause) -> events.add(cause + " " + b.contact()));
    }

    RegistrationResult register(RegisterRequest r) { return get(store.register(AOR, r)); }

    List<String> contacts() { return get(store.lookup(AOR)).stream().map(Binding::contact).toList(); }

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
        assertThat(store.sweep(clock.millis())).isEqualTo(1);
        assertThat(store.aorCount()).isZero();
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
        assertThat(store.aorCount()).isZero();
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

    @Test
    void sharesRepeatedStrings() {
        for (int i = 0; i < 50; i++) {
            RegisterRequest r = new RegisterRequest("cid" + i, 1, false, List.of(c("sip:u@10.0.0." + i, 60)),
                    Flow.udp("198.51.100." + i, 5060, new String("10.0.0.1"), 5060), new String("PhoneX/1.0"),
                    new String(MEMBER), null, 0, T0);
            get(store.register("sip:u" + i + "@example.net", r));
        }
        Binding first = get(store.lookup("sip:u0@example.net")).getFirst();
        Binding last = get(store.lookup("sip:u49@example.net")).getFirst();
        assertThat(last.userAgent()).isSameAs(first.userAgent());
        assertThat(last.memberId()).isSameAs(first.memberId());
        assertThat(last.flow().localIp()).isSameAs(first.flow().localIp());
        assertThat(store.sharedStrings()).isEqualTo(3);
    }
}
