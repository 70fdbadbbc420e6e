package io.sipfleet.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe state machine, rounds, answers and timeouts driven by hand (the test is the clock). */
class HealthProberTest {
    private final Destination a = Destination.parse("sip:127.0.0.2:5060", 1);
    private final Destination b = Destination.parse("sip:127.0.0.3:5060", 1);
    private final Map<Destination, Long> lastSeq = new HashMap<>();
    private final List<String> sent = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();
    private long nanos;
    private final HealthProber prober = new HealthProber(List.of(a, b), 3, 2, (d, seq) -> {
        lastSeq.put(d, seq);
        sent.add(d.uri());
    }, (d, up) -> changes.add(d.uri() + (up ? " up" : " down")), () -> nanos);

    private void answer(Destination d) { prober.answered(d, lastSeq.get(d)); }

    private void timeout(Destination d) { prober.failed(d, lastSeq.get(d)); }

    /** A round whose probe is out while a response to a call comes from {@code d}. */
    private void roundWhileItAnswersCalls(Destination d) {
        prober.round();
        prober.heard(d.address());
    }

    @Test void aDeadSwitchIsOutAfterNTimeoutsWithinOneRoundAndBackAfterMAnsweredRounds() {
        assertThat(prober.isUp(a)).as("up at start").isTrue();
        prober.round();
        answer(a);
        answer(b);
        prober.round(); // a died: its probes time out, each followed at once by the next
        answer(b);
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).isTrue();
        timeout(a);
        assertThat(prober.isUp(a)).as("out after 3 timeouts, before the next round").isFalse();
        assertThat(sent.stream().filter(a.uri()::equals).count()).as("1 + 1 + 2 re-probes").isEqualTo(4);
        assertThat(changes).containsExactly("sip:127.0.0.2:5060 down");
        int before = sent.size();
        timeout(a); // nothing in flight: ignored, no re-probe while down
        assertThat(sent).hasSize(before);
        prober.round();
        answer(a);
        answer(b);
        assertThat(prober.isUp(a)).as("one answer is not enough").isFalse();
        prober.round();
        answer(a);
        answer(b);
        assertThat(prober.isUp(a)).isTrue();
        assertThat(changes).containsExactly("sip:127.0.0.2:5060 down", "sip:127.0.0.2:5060 up");
    }

    @Test void anAnswerBreaksARunOfFailures() {
        prober.round();
        timeout(a);
        timeout(a);
        answer(a); // the third probe answered
        prober.round();
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).isTrue();
    }

    @Test void aProbeInFlightIsNotDoubledByTheNextRoundAndALateAnswerIsIgnored() {
        prober.round();
        long first = lastSeq.get(a);
        prober.round(); // a's probe still in flight: no second one, no failure counted
        assertThat(lastSeq.get(a)).isEqualTo(first);
        prober.failed(a, first);
        prober.answered(a, first); // too late: already counted
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).isFalse();
        prober.answered(a, first); // an answer to an old probe changes nothing
        assertThat(prober.snapshot().get(0).up()).isFalse();
    }

    @Test void probeNowChecksASwitchThatWentSilentWithoutWaitingForTheRound() {
        prober.round();
        answer(a);
        answer(b);
        int before = sent.size();
        prober.probeNow(a.address());
        assertThat(sent).hasSize(before + 1);
        prober.probeNow(a.address()); // one in flight already
        assertThat(sent).hasSize(before + 1);
        timeout(a);
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).isFalse();
    }

    @Test void aSwitchThatAnswersItsCallsStaysUpWhenItsProbesAreLateAndGoesDownOnceItFallsSilent() {
        for (int i = 0; i < 3; i++) {
            roundWhileItAnswersCalls(a);
            timeout(a);
        }
        assertThat(prober.isUp(a)).as("three late probes, but it answers its calls").isTrue();
        assertThat(changes).isEmpty();
        assertThat(prober.slowProbes(a)).isEqualTo(3);
        assertThat(prober.snapshot().get(0).consecutiveFailures()).isZero();
        // it stops answering anything: heard before the probe left is no evidence
        prober.round();
        timeout(a);
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).as("silent on every front: out").isFalse();
        assertThat(prober.slowProbes(a)).isEqualTo(3);
    }

    @Test void aSlowProbeEndsARunOfFailuresAsAnAnswerDoes() {
        prober.round();
        timeout(a); // before the calls started
        timeout(a);
        prober.heard(a.address());
        timeout(a); // the third probe: calls answered since it left
        prober.round();
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).as("two failures since the slow probe, not five").isTrue();
    }

    @Test void trafficNeverBringsADownSwitchBack() {
        prober.round();
        timeout(a);
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).isFalse();
        roundWhileItAnswersCalls(a); // the 200 of a BYE for a call it had before
        timeout(a);
        roundWhileItAnswersCalls(a);
        answer(a);
        assertThat(prober.isUp(a)).as("a timed-out probe counts against a down switch: 1 answer of 2").isFalse();
        prober.round();
        answer(a);
        assertThat(prober.isUp(a)).isTrue();
    }

    @Test void heardFromAnAddressThatIsNoSwitchIsIgnored() {
        prober.heard(new java.net.InetSocketAddress("127.0.0.9", 5060));
        prober.round();
        prober.heard(new java.net.InetSocketAddress("127.0.0.2", 5070)); // a's host, another port
        timeout(a);
        assertThat(prober.snapshot().get(0).consecutiveFailures()).isEqualTo(1);
    }

    @Test void loadReportsFeedTheHeadroomAndCallsSentSinceCountAgainstIt() {
        prober.round();
        prober.answered(a, lastSeq.get(a), LoadReport.parse("ch=50/100; cps=2/10"));
        prober.answered(b, lastSeq.get(b), LoadReport.parse("ch=10/100; cps=2/10"));
        assertThat(prober.headroom(a)).isEqualTo(0.5);
        assertThat(prober.headroom(b)).isEqualTo(0.8); // cps 2/10 is the tighter limit
        for (int i = 0; i < 5; i++) prober.sent(b);
        assertThat(prober.calls(b)).isEqualTo(15);
        assertThat(prober.headroom(b)).as("5 sent this second: cps 5/10").isEqualTo(0.5);
        nanos += 1_000_000_000L;
        assertThat(prober.headroom(b)).as("a new second").isEqualTo(0.8);
        prober.round();
        prober.answered(b, lastSeq.get(b), LoadReport.parse("ch=12/100; cps=5/10"));
        assertThat(prober.calls(b)).as("a fresh report replaces the estimate").isEqualTo(12);
    }

    @Test void reconfigureKeepsTheStateOfSwitchesThatStay() {
        prober.round();
        timeout(a);
        timeout(a);
        timeout(a);
        assertThat(prober.isUp(a)).isFalse();
        Destination c = Destination.parse("sip:127.0.0.4:5060", 1);
        Destination aHeavier = Destination.parse("sip:127.0.0.2:5060", 5);
        prober.reconfigure(List.of(aHeavier, c), 1, 1);
        assertThat(prober.isUp(aHeavier)).as("still down").isFalse();
        assertThat(prober.isUp(c)).as("a new switch starts up").isTrue();
        assertThat(prober.isUp(b)).as("removed").isFalse();
        assertThat(prober.snapshot()).extracting(DestinationHealth.Snapshot::weight).containsExactly(5, 1);
        prober.round();
        answer(aHeavier);
        assertThat(prober.isUp(aHeavier)).as("successesToUp is now 1").isTrue();
    }
}
