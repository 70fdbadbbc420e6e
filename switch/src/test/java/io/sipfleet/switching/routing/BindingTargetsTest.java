package io.sipfleet.switching.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.sip.proxy.Target;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class BindingTargetsTest {
    private static Binding binding(String contact, int sourcePort, long expires) {
        return new Binding("sip:1001@sipfleet.local", contact, expires, Binding.Q_ABSENT, "cid", 1,
                Flow.udp("10.0.0.1", sourcePort, "127.0.0.2", 5060), null, Binding.NO_REG_ID, null, "sw-a", 0, null);
    }

    @Test
    void theSameBindingRoutedAgainReusesItsTarget() {
        BindingTargets targets = new BindingTargets();
        Target first = targets.of(binding("sip:1001@10.0.0.1:5060", 40000, 1000));
        // An equal binding from another look-up (the Redis store builds new instances).
        Target again = targets.of(binding("sip:1001@10.0.0.1:5060", 40000, 1000));
        assertThat(again).isSameAs(first);
        assertThat(first.destination().remote()).isEqualTo(new InetSocketAddress("10.0.0.1", 40000));
    }

    @Test
    void aRefreshFromANewNatPortGetsANewTarget() {
        BindingTargets targets = new BindingTargets();
        Target before = targets.of(binding("sip:1001@10.0.0.1:5060", 40000, 1000));
        Target after = targets.of(binding("sip:1001@10.0.0.1:5060", 40001, 2000));
        assertThat(after.destination().remote()).isEqualTo(new InetSocketAddress("10.0.0.1", 40001));
        assertThat(before.destination().remote().getPort()).isEqualTo(40000);
    }

    @Test
    void aRefreshFromTheSameFlowKeepsItsTarget() {
        // A phone re-registers every few minutes: new expiry, same Contact and flow.
        BindingTargets targets = new BindingTargets();
        Target first = targets.of(binding("sip:1001@10.0.0.1:5060", 40000, 1000));
        assertThat(targets.of(binding("sip:1001@10.0.0.1:5060", 40000, 61_000))).isSameAs(first);
    }

    @Test
    void anUnparsableContactHasNoTargetAndIsNotCached() {
        BindingTargets targets = new BindingTargets();
        assertThat(targets.of(binding("sip:1001@", 40000, 1000))).isNull();
        assertThat(targets.of(binding("sip:1001@", 40000, 1000))).isNull();
    }
}
