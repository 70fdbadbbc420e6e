package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sipfleet.cluster.location.Registers.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@link LocationStoreContract} against the in-memory store, and what only it does. */
class InMemoryLocationStoreTest extends LocationStoreContract {
    InMemoryLocationStore inMemory;

    @Override
    LocationStore newStore(MutableClock clock) {
        return inMemory = new InMemoryLocationStore(clock);
    }

    @Override
    int heldAors() { return inMemory.aorCount(); }

    @Test
    void sweepAtAGivenTime() {
        register(req("cid", 1, T0, c("sip:short@h", 10), c("sip:long@h", 100)));
        assertThat(inMemory.sweep(T0 + 9_999)).isZero();
        assertThat(inMemory.sweep(T0 + 10_000)).isEqualTo(1);
        assertThat(events).containsExactly("EXPIRED sip:short@h");
        assertThat(inMemory.aorCount()).isEqualTo(1);
    }

    @Test
    void sharesRepeatedStrings() {
        for (int i = 0; i < 50; i++) {
            RegisterRequest r = new RegisterRequest("cid" + i, 1, false, List.of(c("sip:u@10.0.0." + i, 60)),
                    Flow.udp("198.51.100." + i, 5060, new String("10.0.0.1"), 5060), new String("PhoneX/1.0"),
                    new String(MEMBER), null, 0, T0);
            get(inMemory.register("sip:u" + i + "@example.net", r));
        }
        Binding first = get(inMemory.lookup("sip:u0@example.net")).getFirst();
        Binding last = get(inMemory.lookup("sip:u49@example.net")).getFirst();
        assertThat(last.userAgent()).isSameAs(first.userAgent());
        assertThat(last.memberId()).isSameAs(first.memberId());
        assertThat(last.flow().localIp()).isSameAs(first.flow().localIp());
        assertThat(inMemory.sharedStrings()).isEqualTo(3);
    }

    /**
     * A refresh from the same place, its texts equal but parsed afresh: the new binding keeps the
     * old one's instances, so it is the only object the refresh leaves in the old generation.
     */
    @Test
    void aRefreshKeepsTheInstancesOfWhatDidNotChange() {
        RegisterRequest first = new RegisterRequest("cid", 1, false, List.of(c(new String("sip:u@10.0.0.5"), 60)),
                Flow.udp(new String("198.51.100.7"), 5060, "10.0.0.1", 5060), "PhoneX/1.0", MEMBER, null, 0, T0);
        get(inMemory.register("sip:u@example.net", first));
        Binding before = get(inMemory.lookup("sip:u@example.net")).getFirst();
        RegisterRequest refresh = new RegisterRequest(new String("cid"), 2, false,
                List.of(c(new String("sip:u@10.0.0.5"), 60)),
                Flow.udp(new String("198.51.100.7"), 5060, "10.0.0.1", 5060), "PhoneX/1.0", MEMBER, null, 0, T0 + 1_000);
        get(inMemory.register("sip:u@example.net", refresh));
        Binding after = get(inMemory.lookup("sip:u@example.net")).getFirst();
        assertThat(after.cseq()).isEqualTo(2);
        assertThat(after.contact()).isSameAs(before.contact());
        assertThat(after.callId()).isSameAs(before.callId());
        assertThat(after.flow()).isSameAs(before.flow());
        // the NAT mapping moved: the new flow is taken
        RegisterRequest moved = new RegisterRequest("cid", 3, false, List.of(c("sip:u@10.0.0.5", 60)),
                Flow.udp("198.51.100.7", 5099, "10.0.0.1", 5060), "PhoneX/1.0", MEMBER, null, 0, T0 + 2_000);
        get(inMemory.register("sip:u@example.net", moved));
        assertThat(get(inMemory.lookup("sip:u@example.net")).getFirst().flow().sourcePort()).isEqualTo(5099);
    }
}
