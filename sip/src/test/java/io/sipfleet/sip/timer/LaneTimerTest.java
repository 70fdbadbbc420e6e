package io.sipfleet.sip.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.Timeout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LaneTimerTest {
    private final LaneTimer timer = new LaneTimer("lane-timer-test", 5, TimeUnit.MILLISECONDS);

    @AfterEach void stop() { timer.stop(); }

    @Test void firesInDeadlineOrderAcrossLanesAndNotBeforeItsDelay() throws Exception {
        List<String> fired = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        List<Long> at = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(4);
        timer.newTimeout(t -> { fired.add("300"); at.add(System.nanoTime() - start); done.countDown(); }, 300, TimeUnit.MILLISECONDS);
        timer.newTimeout(t -> { fired.add("100"); at.add(System.nanoTime() - start); done.countDown(); }, 100, TimeUnit.MILLISECONDS);
        timer.newTimeout(t -> { fired.add("200"); at.add(System.nanoTime() - start); done.countDown(); }, 200, TimeUnit.MILLISECONDS);
        timer.newTimeout(t -> { fired.add("100b"); at.add(System.nanoTime() - start); done.countDown(); }, 100, TimeUnit.MILLISECONDS);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(fired).containsExactly("100", "100b", "200", "300");
        assertThat(at.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(at.get(3)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test void aCancelledTimeoutNeverRunsAndDropsItsTask() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Timeout t = timer.newTimeout(x -> ran.incrementAndGet(), 50, TimeUnit.MILLISECONDS);
        CountDownLatch later = new CountDownLatch(1);
        timer.newTimeout(x -> later.countDown(), 150, TimeUnit.MILLISECONDS);
        assertThat(t.cancel()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.task()).as("no reference kept to what the task captured").isNull();
        assertThat(t.cancel()).isFalse();
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasValue(0);
    }

    @Test void aThrowingTaskDoesNotStopTheOthers() throws Exception {
        CountDownLatch ok = new CountDownLatch(1);
        timer.newTimeout(x -> { throw new IllegalStateException("boom (expected by the test)"); }, 10, TimeUnit.MILLISECONDS);
        timer.newTimeout(x -> ok.countDown(), 20, TimeUnit.MILLISECONDS);
        assertThat(ok.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test void manyDistinctDelaysBeyondTheLaneCountAllFireAndNoneEarly() throws Exception {
        int n = LaneTimer.MAX_LANES + 50;
        List<Long> early = new CopyOnWriteArrayList<>();
        AtomicInteger fired = new AtomicInteger();
        long start = System.nanoTime();
        for (int i = n - 1; i >= 0; i--) {
            long delayMs = 20 + i * 6L; // > a tick apart: each its own lane until the lanes run out
            timer.newTimeout(x -> {
                if (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(delayMs)) early.add(delayMs);
                fired.incrementAndGet();
            }, delayMs, TimeUnit.MILLISECONDS);
        }
        // Order within one tick is not promised (as with Netty's wheel), only "not before the delay".
        await().atMost(Duration.ofSeconds(10)).until(() -> fired.get() == n);
        assertThat(early).isEmpty();
    }

    @Test void stopReturnsWhatIsStillPendingAndRefusesNewTimeouts() {
        Timeout pending = timer.newTimeout(x -> {}, 10, TimeUnit.SECONDS);
        Timeout cancelled = timer.newTimeout(x -> {}, 10, TimeUnit.SECONDS);
        cancelled.cancel();
        assertThat(timer.stop()).containsExactly(pending);
        try {
            timer.newTimeout(x -> {}, 1, TimeUnit.SECONDS);
            org.assertj.core.api.Assertions.fail("a stopped timer accepted a timeout");
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessageContaining("stopped");
        }
    }

    @Test void hundredsOfThousandsOfSameDelayTimeoutsExpireWithoutWalkingTheRest() {
        AtomicInteger ran = new AtomicInteger();
        int n = 300_000;
        for (int i = 0; i < n; i++) timer.newTimeout(x -> ran.incrementAndGet(), 200, TimeUnit.MILLISECONDS);
        Timeout longOne = timer.newTimeout(x -> ran.addAndGet(1_000_000), 30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == n);
        assertThat(longOne.isExpired()).isFalse();
        assertThat(timer.pending()).isEqualTo(1);
    }

    @Test void cancelledTimeoutsLeaveAtOnceNotAtTheirDeadline() {
        // A call's session timer (hours) is cancelled by its BYE: kept to its deadline, every
        // call of the last hours would still be in memory.
        int n = 100_000;
        Timeout[] sessions = new Timeout[n];
        for (int i = 0; i < n; i++) sessions[i] = timer.newTimeout(x -> {}, 2, TimeUnit.HOURS);
        assertThat(timer.pending()).isEqualTo(n);
        for (int i = 0; i < n; i += 2) assertThat(sessions[i].cancel()).isTrue();
        assertThat(timer.pending()).isEqualTo(n / 2);
        for (int i = 1; i < n; i += 2) sessions[i].cancel();
        assertThat(timer.pending()).isZero();
        assertThat(sessions[0].cancel()).as("a second cancel").isFalse();
    }

    @Test void cancellingTheHeadMiddleAndTailOfALaneLeavesTheRestFiringInOrder() throws Exception {
        java.util.List<Integer> fired = new java.util.concurrent.CopyOnWriteArrayList<>();
        Timeout[] t = new Timeout[6];
        for (int i = 0; i < t.length; i++) {
            int id = i;
            t[i] = timer.newTimeout(x -> fired.add(id), 50, TimeUnit.MILLISECONDS);
        }
        t[0].cancel();
        t[3].cancel();
        t[5].cancel();
        assertThat(timer.pending()).as("head, middle and tail unlinked at once").isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 3);
        Thread.sleep(100);
        assertThat(fired).containsExactly(1, 2, 4);
        assertThat(timer.pending()).isZero();
    }
}
