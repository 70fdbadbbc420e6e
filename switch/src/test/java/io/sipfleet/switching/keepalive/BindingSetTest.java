package io.sipfleet.switching.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.sip.transport.Peer;
import org.junit.jupiter.api.Test;

class BindingSetTest {
    private static final String AOR = "sip:1001@sipfleet.local", CONTACT = "sip:1001@198.51.100.7:5060";

    private static Binding binding(long cseq, long at, Flow flow) {
        return new Binding(AOR, CONTACT, at + 60_000, Binding.Q_ABSENT, "cid", cseq, flow, null, Binding.NO_REG_ID,
                null, "m1", at, null);
    }

    /** A refresh from where the UA was keeps its Peer (nothing new promoted per REGISTER); a moved NAT mapping gets a new one. */
    @Test void aRefreshFromTheSameFlowKeepsThePeerAndAMovedOneIsFollowed() {
        BindingSet set = new BindingSet(10);
        set.track(binding(1, 1_000, Flow.udp(new String("198.51.100.7"), 5060, "10.0.0.1", 5060)));
        Peer first = set.get(AOR, CONTACT).target.peer();
        set.track(binding(2, 2_000, Flow.udp(new String("198.51.100.7"), 5060, "10.0.0.1", 5060)));
        Tracked.Target now = set.get(AOR, CONTACT).target;
        assertThat(now.binding().cseq()).as("the newer write is held").isEqualTo(2);
        assertThat(now.peer()).isSameAs(first);
        set.track(binding(3, 3_000, Flow.udp("198.51.100.7", 40123, "10.0.0.1", 5060)));
        Peer moved = set.get(AOR, CONTACT).target.peer();
        assertThat(moved.remote().getPort()).isEqualTo(40123);
        set.track(binding(2, 2_000, Flow.udp("198.51.100.7", 5060, "10.0.0.1", 5060))); // an older write: ignored
        assertThat(set.get(AOR, CONTACT).target.peer()).isSameAs(moved);
    }
}
