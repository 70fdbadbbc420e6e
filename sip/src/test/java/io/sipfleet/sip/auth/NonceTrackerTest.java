package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.auth.NonceTracker.Outcome;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NonceTrackerTest {

    @Test
    void ncMustIncrease() {
        NonceTracker t = new NonceTracker(1_000, 10);
        assertThat(t.accept("a", 0, 1, 0)).isEqualTo(Outcome.ACCEPTED);
        assertThat(t.accept("a", 0, 1, 0)).isEqualTo(Outcome.REPLAY);
        assertThat(t.accept("a", 0, 3, 0)).isEqualTo(Outcome.ACCEPTED);
        assertThat(t.accept("a", 0, 2, 0)).isEqualTo(Outcome.REPLAY);
        assertThat(t.highestNc("a")).isEqualTo(3);
        assertThat(t.accept("b", 0, 1, 0)).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void entriesDieWithTheirNonce() {
        NonceTracker t = new NonceTracker(1_000, 1_000_000);
        for (int i = 0; i < 500; i++) {
            t.accept("n" + i, i, 1, i);
        }
        assertThat(t.size()).isEqualTo(500);
        t.accept("late", 2_000, 1, 2_000);
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void capacityEvictionNeverReopensAReplay() {
        NonceTracker t = new NonceTracker(60_000, 100);
        for (int i = 0; i < 10_000; i++) {
            assertThat(t.accept("n" + i, i, 1, i)).isEqualTo(Outcome.ACCEPTED);
            assertThat(t.size()).isLessThanOrEqualTo(100);
        }
        // n0 was dropped while still live: replaying it must not be accepted as new.
        assertThat(t.accept("n0", 0, 1, 10_000)).isEqualTo(Outcome.EVICTED);
        assertThat(t.accept("n9999", 9_999, 1, 10_000)).isEqualTo(Outcome.REPLAY);
    }

    @Test
    void concurrentUseOfOneNonceAcceptsEachNcOnce() {
        NonceTracker t = new NonceTracker(60_000, 1_000);
        AtomicIntegerArray acceptedTimes = new AtomicIntegerArray(1_001);
        IntStream.range(0, 8).parallel().forEach(thread -> {
            for (int nc = 1; nc <= 1_000; nc++) {
                if (t.accept("shared", 0, nc, 0) == Outcome.ACCEPTED) {
                    acceptedTimes.incrementAndGet(nc);
                }
            }
        });
        for (int nc = 1; nc <= 1_000; nc++) {
            assertThat(acceptedTimes.get(nc)).as("times nc %d was accepted", nc).isLessThanOrEqualTo(1);
        }
        assertThat(acceptedTimes.get(1_000)).isEqualTo(1);
        assertThat(t.highestNc("shared")).isEqualTo(1_000);
    }
}
