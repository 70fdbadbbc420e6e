package io.sipfleet.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe state machine, rounds and answers driven by hand (the test is the clock). */
class HealthProberTest {
    private final Destination a = Destination.parse("sip:127.0.0.2:5060", 1);
    private final Destination b = Destination.parse("sip:127.0.0.3:5060", 1);
    private final Map<Destination, Long> lastSeq = new HashMap<>();
    private final List<String> changes = new ArrayList<>();
    private final HealthProber prober = new HealthProber(List.of(a, b), 3, 2, lastSeq::put,
            (d, up) -> changes.add(d.uri() + (up ? " up" : " down")));

    private void roundWith(boolean aAnswers, boolean bAnswers) {
        prober.round();
        if (aAnswers) prober.answered(a, lastSeq.get(a));
        if (bAnswers) prober.answered(b, lastSeq.get(b));
    }

    @Test void downAfterNUnansweredProbesUpAfterMAnswered() {
        assertThat(prober.isUp(a)).as("up at start").isTrue();
        roundWith(true, true);
        roundWith(false, true);
        roundWith(false, true);
        roundWith(false, true); // third unanswered probe is counted when this round starts
        assertThat(prober.isUp(a)).isTrue();
        roundWith(false, true);
        assertThat(prober.isUp(a)).isFalse();
        assertThat(prober.isUp(b)).isTrue();
        assertThat(changes).containsExactly("sip:127.0.0.2:5060 down");
        roundWith(true, true);
        assertThat(prober.isUp(a)).as("one answer is not enough").isFalse();
        roundWith(true, true);
        assertThat(prober.isUp(a)).isTrue();
        assertThat(changes).containsExactly("sip:127.0.0.2:5060 down", "sip:127.0.0.2:5060 up");
    }

    @Test void anAnswerBreaksARunOfFailures() {
        roundWith(false, true);
        roundWith(false, true);
        roundWith(true, true); // 2 failures counted, then an answer
        roundWith(false, true);
        roundWith(false, true);
        assertThat(prober.isUp(a)).isTrue();
    }

    @Test void aTimeoutCountsAtOnceAndALateAnswerIsIgnored() {
        prober.round();
        long seq = lastSeq.get(a);
        prober.failed(a, seq);
        prober.answered(a, seq); // too late: already counted
        prober.round();
        prober.failed(a, lastSeq.get(a));
        prober.round();
        prober.failed(a, lastSeq.get(a));
        assertThat(prober.isUp(a)).isFalse();
        prober.answered(a, seq); // an answer to an old probe changes nothing
        prober.round();
        assertThat(prober.snapshot().get(0).up()).isFalse();
    }
}
