package io.sipfleet.switching.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HangupSignalTest {

    @Test
    void every_action_runs_even_when_one_fails_and_closed_ones_stop() {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        Subscription failing = HangupSignal.onHangup("failing", () -> { throw new IllegalStateException("boom"); });
        Subscription first = HangupSignal.onHangup("a", a::incrementAndGet);
        Subscription second = HangupSignal.onHangup("b", b::incrementAndGet);
        try {
            HangupSignal.dispatch();
            second.close();
            HangupSignal.dispatch();
        } finally {
            failing.close();
            first.close();
            second.close();
        }
        assertThat(a).hasValue(2);
        assertThat(b).hasValue(1);
    }

    /** What an operator types; skipped where there is no kill(1). */
    private static void kill(String signal, long pid) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no kill command: " + e);
            return;
        }
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void a_real_sighup_reaches_the_actions() throws Exception {
        AtomicInteger hups = new AtomicInteger();
        Subscription s = HangupSignal.onHangup("count", hups::incrementAndGet);
        try {
            // Only raise it when our handler is in: the JVM's default handler would exit the test JVM.
            assumeTrue(HangupSignal.installed(), "SIGHUP not available here");
            kill("-HUP", ProcessHandle.current().pid());
            await().atMost(Duration.ofSeconds(3)).until(() -> hups.get() == 1);
        } finally {
            s.close();
        }
    }
}
