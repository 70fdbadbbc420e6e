package io.sipfleet.switching.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.TransactionKey;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One binding, alone on the wheel, so it sits in slot 0: pinged at t = 0, 30, 60, 90 ... s; an
 * unanswered ping times out (Timer F = 64*T1) 32 s after it left, so misses land at t = 32, 62,
 * 92 ... and the third one (K = 3) removes the binding.
 */
class KeepAliveLossTest {
    private static final String AOR = "sip:alice@example.com";
    private static final String CONTACT = "sip:alice@192.168.1.20:5062";

    private final Harness h = new Harness();

    @BeforeEach void register() {
        h.register(AOR, CONTACT, "203.0.113.7", 40_000);
    }

    private RecordingSender.Sent lastPing() {
        var pings = h.net.pings();
        return pings.get(pings.size() - 1);
    }

    private ClientTransaction txOf(RecordingSender.Sent ping) {
        return h.layer.clientTransaction(TransactionKey.forClient(ping.branch(), "OPTIONS"));
    }

    @Test void rttIsMeasuredFromSendToResponse() {
        h.tickOnly(1);
        RecordingSender.Sent ping = lastPing();
        h.timer.advance(Duration.ofMillis(120));
        h.answer(ping, 200);

        assertThat(h.events.rtts).containsExactly(Duration.ofMillis(120));
        assertThat(h.scheduler.lastRtt(AOR, CONTACT)).isEqualTo(Duration.ofMillis(120));
        assertThat(h.scheduler.stats().answered()).isEqualTo(1);
        assertThat(h.scheduler.stats().inFlight()).isZero();
    }

    @Test void aRetransmittedPingCountsFromTheFirstSend() {
        h.tickOnly(1);
        RecordingSender.Sent ping = lastPing();
        h.timer.advance(Duration.ofMillis(700)); // Timer E re-sent it at 500 ms
        assertThat(h.net.sip().stream().filter(s -> s.branch().equals(ping.branch()))).hasSize(2);
        h.answer(ping, 200);
        assertThat(h.events.rtts).containsExactly(Duration.ofMillis(700));
    }

    @Test void kUnansweredPingsRemoveTheBindingAndReportItLost() {
        h.run(33);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(1);
        h.run(30);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(2);
        assertThat(h.inStore(AOR, CONTACT)).isTrue();
        assertThat(h.events.lost).isEmpty();

        h.run(30); // t = 93: the ping of t = 60 timed out at 92
        assertThat(h.events.lost).containsExactly(AOR + " " + CONTACT);
        assertThat(h.inStore(AOR, CONTACT)).isFalse();
        assertThat(h.scheduler.isTracked(AOR, CONTACT)).isFalse();
        assertThat(h.scheduler.stats().lost()).isEqualTo(1);

        int sent = h.net.pings().size();
        h.run(120); // the ping of t = 90 times out too: no second loss, no more pings
        assertThat(h.net.pings()).as("no pings after the loss").hasSize(sent);
        assertThat(h.events.lost).hasSize(1);
    }

    @Test void anyAnswerEvenAnErrorResetsTheMissCount() {
        h.run(63);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(2);
        h.answer(lastPing(), 404); // the ping of t = 60: "no such user", but UA and pinhole are alive
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();

        h.run(60); // t = 123: the ping of 90 missed; the one of 120 is in flight
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(1);
        h.answer(lastPing(), 405);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();

        h.run(90); // t = 213: the pings of 150 and 180 missed
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(2);
        assertThat(h.events.lost).isEmpty();
        assertThat(h.inStore(AOR, CONTACT)).isTrue();
        assertThat(h.events.rtts).hasSize(2);
    }

    @Test void aProvisionalAnswerIsAnAnswerEvenIfTheFinalNeverComes() {
        h.tickOnly(1);
        h.timer.advance(Duration.ofMillis(30));
        h.answer(lastPing(), 100);
        h.run(33);
        assertThat(h.events.rtts).containsExactly(Duration.ofMillis(30));
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();
        assertThat(h.scheduler.stats().unanswered()).isZero();
    }

    @Test void aReRegistrationResetsTheMissCountAndVoidsPingsToTheOldState() {
        h.run(61); // misses at 32 (and at 62, not yet); the ping of 60 is in flight
        h.run(2);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(2);
        h.register(AOR, CONTACT, "203.0.113.7", 40_000);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();

        h.run(30); // t = 93: the ping of 60 was sent before the REGISTER: its timeout does not count
        assertThat(h.scheduler.misses(AOR, CONTACT)).isZero();
        h.run(30); // t = 123: the ping of 90 does
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(1);
        assertThat(h.inStore(AOR, CONTACT)).isTrue();
    }

    @Test void aTransportErrorIsAMiss() {
        h.net.failFor = p -> true;
        h.tickOnly(30);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(1);
        assertThat(h.scheduler.stats().inFlight()).isZero();
        h.tickOnly(60);
        assertThat(h.events.lost).containsExactly(AOR + " " + CONTACT);
        assertThat(h.inStore(AOR, CONTACT)).isFalse();
    }

    @Test void aTransportErrorIsAMissEvenWhenOnTerminatedIsNotForwarded() {
        h.forwardTerminated = false;
        h.net.failFor = p -> true;
        h.tickOnly(1);
        assertThat(h.scheduler.misses(AOR, CONTACT)).isEqualTo(1);
        assertThat(h.scheduler.stats().inFlight()).as("no ping left behind").isZero();
    }

    @Test void onlyOurPingsAreOurs() {
        h.tickOnly(1);
        RecordingSender.Sent ping = lastPing();
        ClientTransaction tx = txOf(ping);
        assertThat(h.scheduler.owns(tx)).isTrue();
        h.answer(ping, 200);
        // answered: later events of that transaction go back to the switch
        assertThat(h.scheduler.owns(tx)).isFalse();
        SipResponse again = Responses.create(ping.request(), 200, "OK", "x");
        assertThat(h.scheduler.onResponse(tx, again)).isFalse();
        assertThat(h.scheduler.onTimeout(tx)).isFalse();
    }
}
