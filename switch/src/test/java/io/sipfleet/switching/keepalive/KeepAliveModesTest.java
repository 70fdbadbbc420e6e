package io.sipfleet.switching.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.RegisterRequest;
import io.sipfleet.sip.transport.Transport;
import io.sipfleet.switching.config.KeepAliveMode;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeepAliveModesTest {
    private static final String AOR = "sip:alice@example.com";
    private static final String CONTACT = "sip:alice@192.168.1.20:5062";

    @Test void disabledSendsNothingAndKeepsTheBindingsForLater() {
        Harness h = new Harness(KeepAliveSettings.defaults(Harness.ME).withDisabled(true));
        for (int i = 0; i < 100; i++) h.register("sip:u" + i + "@example.com", "sip:u" + i + "@10.1.1.1", "203.0.113.9", 5000 + i);
        h.run(120);
        assertThat(h.net.sip()).isEmpty();
        assertThat(h.net.crlf()).isEmpty();
        assertThat(h.scheduler.stats().tracked()).isEqualTo(100);

        h.scheduler.apply(h.scheduler.settings().withDisabled(false));
        h.tickOnly(30);
        assertThat(h.net.pings()).hasSize(100);
    }

    @Test void crlfModeSendsFourBytesToTheNatSourceFromTheRegisteredListener() {
        Harness h = new Harness(KeepAliveSettings.defaults(Harness.ME).withMode(KeepAliveMode.CRLF));
        h.register(AOR, CONTACT, Flow.udp("203.0.113.7", 40_000, "10.0.0.1", 5060), Harness.ME, 3600);
        h.register("sip:bob@example.com", "sip:bob@10.2.2.2;transport=tcp",
                Harness.flow(Transport.TCP, "198.51.100.4", 51_000, "10.0.0.2", 5060), Harness.ME, 3600);

        h.run(30);
        assertThat(h.net.sip()).isEmpty();
        assertThat(h.net.crlf()).hasSize(2);
        assertThat(h.net.crlf()).anySatisfy(p -> {
            assertThat(p.transport()).isEqualTo(Transport.UDP);
            assertThat(p.remote()).isEqualTo(new InetSocketAddress("203.0.113.7", 40_000));
            assertThat(p.local()).isEqualTo(new InetSocketAddress("10.0.0.1", 5060));
        });
        assertThat(h.net.crlf()).anySatisfy(p -> {
            assertThat(p.transport()).isEqualTo(Transport.TCP);
            assertThat(p.remote()).isEqualTo(new InetSocketAddress("198.51.100.4", 51_000));
        });

        // nothing answers a CRLF over UDP: no RTT, no loss, however long
        h.run(300);
        assertThat(h.net.crlf()).hasSize(2 * 11);
        assertThat(h.events.rtts).isEmpty();
        assertThat(h.events.lost).isEmpty();
        assertThat(h.inStore(AOR, CONTACT)).isTrue();
        assertThat(KeepAliveSender.CRLF_CRLF).containsExactly('\r', '\n', '\r', '\n');
    }

    @Test void switchingModeOnReloadTakesEffectOnTheNextTick() {
        Harness h = new Harness();
        h.register(AOR, CONTACT, "203.0.113.7", 40_000);
        h.tickOnly(30);
        h.scheduler.apply(h.scheduler.settings().withMode(KeepAliveMode.CRLF));
        h.tickOnly(30);
        assertThat(h.net.pings()).hasSize(1);
        assertThat(h.net.crlf()).hasSize(1);
    }

    @Test void bindingsOfOtherMembersAreNotPinged() {
        Harness h = new Harness();
        h.register("sip:theirs@example.com", "sip:theirs@10.3.3.3", Flow.udp("203.0.113.50", 7000, "10.0.0.9", 5060),
                "sw-2", 3600);
        h.register(AOR, CONTACT, "203.0.113.7", 40_000);
        h.run(60);
        assertThat(h.net.pings()).extracting(s -> s.request().requestUri().toString()).containsOnly(CONTACT);
        assertThat(h.scheduler.isTracked("sip:theirs@example.com", "sip:theirs@10.3.3.3")).isFalse();
    }

    @Test void aBindingThatMovedToAnotherMemberIsNoLongerPinged() {
        Harness h = new Harness();
        h.register(AOR, CONTACT, "203.0.113.7", 40_000);
        // the UA re-registered through sw-2; a shared store's change reaches this member
        var moved = h.register(AOR, CONTACT, Flow.udp("203.0.113.7", 40_002, "10.0.0.2", 5060), "sw-2", 3600);
        assertThat(h.scheduler.track(moved)).isFalse();
        assertThat(h.scheduler.isTracked(AOR, CONTACT)).isFalse();
    }

    @Test void reconcileTracksOurBindingsFromTheStoreAndDropsTheOnesNoLongerOurs() {
        Harness h = new Harness();
        // written to the store before this member (re)started: nobody tracked them
        for (int i = 0; i < 10; i++) {
            String member = i % 2 == 0 ? Harness.ME : "sw-2";
            h.store.register("sip:u" + i + "@example.com", new RegisterRequest("c" + i, 1, false,
                    List.of(ContactUpdate.of("sip:u" + i + "@10.4.4.4", 3600)),
                    Flow.udp("203.0.113.60", 9000 + i, "10.0.0.1", 5060), null, member, null, 0,
                    h.timer.wallClock().millis()));
        }
        // a binding we track but the store no longer lists as ours (its move went unnoticed)
        var stale = h.register("sip:gone@example.com", "sip:gone@10.5.5.5", "203.0.113.61", 9100);
        h.store.register(stale.aor(), new RegisterRequest("other", 1, false, List.of(ContactUpdate.of(stale.contact(), 3600)),
                Flow.udp("203.0.113.61", 9101, "10.0.0.2", 5060), null, "sw-2", null, 0, h.timer.wallClock().millis()));

        int dropped = h.scheduler.reconcile().toCompletableFuture().join();
        assertThat(dropped).isEqualTo(1);
        assertThat(h.scheduler.stats().tracked()).isEqualTo(5);
        h.tickOnly(30);
        assertThat(h.net.pings()).hasSize(5);
    }

    @Test void storeRemovalsStopThePings() {
        Harness h = new Harness();
        h.register(AOR, CONTACT, "203.0.113.7", 40_000);
        h.register("sip:bob@example.com", "sip:bob@10.2.2.2", "203.0.113.8", 40_001);
        // bob unregisters (expires=0): the store tells its listeners
        h.register("sip:bob@example.com", "sip:bob@10.2.2.2", Flow.udp("203.0.113.8", 40_001, "10.0.0.1", 5060),
                Harness.ME, 0);
        assertThat(h.scheduler.isTracked("sip:bob@example.com", "sip:bob@10.2.2.2")).isFalse();
        h.tickOnly(30);
        assertThat(h.net.pings()).extracting(s -> s.request().requestUri().toString()).containsOnly(CONTACT);
    }

    @Test void anExpiredBindingIsNotPingedEvenBeforeTheSweep() {
        Harness h = new Harness();
        h.register(AOR, CONTACT, Flow.udp("203.0.113.7", 40_000, "10.0.0.1", 5060), Harness.ME, 45);
        h.run(61); // pinged at 0 and at 30 (alive until 45), not at 60
        assertThat(h.net.pings()).hasSize(2);
        assertThat(h.scheduler.isTracked(AOR, CONTACT)).isFalse();
    }

    @Test void settingsFromTheSwitchConfig() {
        var s = KeepAliveSettings.defaults("sw-9");
        assertThat(s.mode()).isEqualTo(KeepAliveMode.OPTIONS);
        assertThat(s.intervalSeconds()).isEqualTo(30);
        assertThat(s.lostPingLimit()).isEqualTo(3);
        assertThat(s.disabled()).isFalse();
        assertThat(s.withFromDomain(" ").fromDomain()).isNull();
    }
}
