package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of mixed calls through the switch with real SIPp, at once: a trusted carrier
 * gateway places 100 calls/s for 10 s of each kind (answered and hung up, cancelled while
 * ringing, refused busy), to three gateways behind carrier routes. Channels in use are sampled
 * throughout (never negative) and are 0 at the end; no SIPp sees an unexpected message.
 */
class SwitchMixedLoadTest {
    static final String SWITCH = "127.0.0.67", CALLER = "127.0.0.190";
    static final String ANSWERS = "127.0.0.191", RINGS = "127.0.0.192", BUSY = "127.0.0.193";
    static final int RATE = 100, SECONDS = 10, CALLS = RATE * SECONDS;

    @TempDir Path dir;
    TestSwitch sw;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    private Sipp.Running callee(String scenario, String ip) {
        return Sipp.scenario(scenario).local(ip, 5080).key("user", "gw").timeout(SECONDS + 40)
                .start(dir, scenario).awaitBound();
    }

    private Sipp.Running caller(String scenario, int port, String number) {
        return Sipp.scenario(scenario).local(CALLER, port).remote(SWITCH, TestSwitch.PORT)
                .injection("SEQUENTIAL", "441632960001").arg("-s", number).calls(CALLS).rate(RATE, 1000)
                .timeout(SECONDS + 25).start(dir, scenario);
    }

    @Test void mixedCallsLeaveNoChannelBehind() throws Exception {
        sw = TestSwitch.start(new TestSwitch.Config(SWITCH)
                .route("in", "99", "sip:" + CALLER + ":5099")
                .route("answers", "1", "sip:" + ANSWERS + ":5080")
                .route("rings", "2", "sip:" + RINGS + ":5080")
                .route("busy", "3", "sip:" + BUSY + ":5080"));
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger min = new AtomicInteger(Integer.MAX_VALUE), max = new AtomicInteger(), minActive = new AtomicInteger();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                int n = sw.channelsInUse(), active = sw.node.calls().active();
                min.accumulateAndGet(n, Math::min);
                max.accumulateAndGet(n, Math::max);
                minActive.accumulateAndGet(active, Math::min);
                Sipp.sleep(20);
            }
        });
        Sipp.Result answered, cancelled, busy, answeredCallee, ringingCallee, busyCallee;
        try (Sipp.Running a = callee("uas-answer-any", ANSWERS); Sipp.Running r = callee("uas-cancel", RINGS);
             Sipp.Running b = callee("uas-busy", BUSY);
             Sipp.Running ca = caller("uac-trusted", 5060, "1000");
             Sipp.Running cc = caller("uac-cancel-trusted", 5062, "2000");
             Sipp.Running cb = caller("uac-busy-trusted", 5064, "3000")) {
            answered = ca.await();
            cancelled = cc.await();
            busy = cb.await();
            answeredCallee = a.stop();
            ringingCallee = r.stop();
            busyCallee = b.stop();
        } finally {
            sampling.set(false);
            sampler.join(2000);
        }
        for (Sipp.Result caller : new Sipp.Result[] {answered, cancelled, busy}) caller.assertClean(CALLS);
        for (Sipp.Result callee : new Sipp.Result[] {answeredCallee, ringingCallee, busyCallee}) {
            assertThat(callee.exit).as("callee\n%s", callee.diagnostics()).isZero();
            assertThat(callee.successful()).as("calls of the callee\n%s", callee.diagnostics()).isEqualTo(CALLS);
            assertThat(callee.failed()).isZero();
            callee.assertNoStrayMessages();
        }
        assertThat(min.get()).as("fewest channels in use seen").isGreaterThanOrEqualTo(0);
        assertThat(minActive.get()).as("fewest calls tracked seen").isGreaterThanOrEqualTo(0);
        assertThat(max.get()).as("most channels in use seen").isPositive();
        assertThat(sw.channelsInUse()).as("channels in use after the run").isZero();
        assertThat(sw.node.calls().active()).as("calls tracked after the run").isZero();
        String metrics = sw.scrape();
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_channels_in_use")).isZero();
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"answered\"")).isEqualTo(CALLS);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"cancelled\"")).isEqualTo(CALLS);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"failed\"")).isEqualTo(CALLS);
    }
}
