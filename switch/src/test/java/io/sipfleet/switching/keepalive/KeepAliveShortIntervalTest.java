package io.sipfleet.switching.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An interval shorter than Timer F (32 s): a ping still unanswered when the next one to its
 * binding leaves is a miss then, so K = lostPingLimit removes a silent UA after about K
 * intervals, not after Timer F. One binding, interval 1 s, one slot: pinged at t = 0, 1, 2 ...
 */
class KeepAliveShortIntervalTest {
    private static final String AOR = "sip:alice@example.com";
    private static final String CONTACT = "sip:alice@192.168.1.20:5062";

    private static Harness harness(int lostPingLimit) {
        Harness h = new Harness(KeepAliveSettings.defaults(Harness.ME).withFromDomain("example.com")
                .withIntervalSeconds(1).withLostPingLimit(lostPingLimit));
        h.register(AOR, CONTACT, "203.0.113.7", 40_000);
        return h;
    }

    private static RecordingSender.Sent lastPing(Harness h) {
        var pings = h.net.pings();
        return pings.get(pings.size() - 1);
    }

    @Test void aSilentUaIsLostAfterKIntervalsNotAfterTimerF() {
        Harness h = harness(2);
        h.run(1); // t = 0: first ping
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();
        h.run(1); // t = 1: the second leaves, the first had its interval: a miss
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(1);
        assertThat(h.inStore(AOR, CONTACT)).isTrue();
        h.run(1); // t = 2: the second missed too: K = 2
        assertThat(h.events.lost).containsExactly(AOR + " " + CONTACT);
        assertThat(h.inStore(AOR, CONTACT)).isFalse();

        h.run(40); // Timer F of both pings: counted already, no second loss
        assertThat(h.events.lost).hasSize(1);
        assertThat(h.scheduler.stats().unanswered()).isEqualTo(2);
        assertThat(h.scheduler.stats().inFlight()).isZero();
    }

    @Test void anAnswerAfterTheMissWasCountedStillResetsTheCount() {
        Harness h = harness(3);
        h.run(1);
        RecordingSender.Sent first = lastPing(h);
        h.run(1); // the first counted missed
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(1);
        h.answer(first, 200); // late, but the UA is alive
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();
        assertThat(h.events.rtts).hasSize(1);
        h.answer(lastPing(h), 200);
        h.timer.advance(Duration.ofSeconds(40)); // no more pings; Timer F of the first finds it answered
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();
        assertThat(h.scheduler.stats().unanswered()).isEqualTo(1);
        assertThat(h.events.lost).isEmpty();
    }
}
