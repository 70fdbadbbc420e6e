package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.transport.Peer;

/** One layer wired to a manual clock, a recording network and a recording TU. */
final class Fixture {
    final ManualTimer timer = new ManualTimer();
    final RecordingSender net = new RecordingSender(timer::nowMillis);
    final RecordingUser tu = new RecordingUser();
    final TransactionLayer layer;

    Fixture() { this(TimerConfig.defaults(), true); }

    Fixture(TimerConfig timers, boolean retransmit2xx) {
        layer = new TransactionLayer(tu, net, timer, timers, retransmit2xx);
    }

    /** Delivers {@code m} as if a transport had read it from {@code from}. */
    void receive(SipMessage m, Peer from) { layer.onMessage(Sip.in(m, from), net); }

    void advance(long millis) { timer.advanceMillis(millis); }

    /** Nothing left: no transaction, no pending 2xx, no armed timer. */
    void assertIdle() {
        assertThat(layer.activeServerTransactions()).as("server transactions").isZero();
        assertThat(layer.activeClientTransactions()).as("client transactions").isZero();
        assertThat(layer.pending2xx()).as("pending 2xx").isZero();
        assertThat(timer.pending()).as("armed timers").isZero();
    }
}
