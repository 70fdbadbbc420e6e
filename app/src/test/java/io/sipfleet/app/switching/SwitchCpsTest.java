package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls-per-second limit with real SIPp: a carrier gateway (trusted address, so the flow is
 * INVITE then 503/302 or 200/ACK/BYE, no 407 round) offers 30 calls/s against a limit of 10;
 * another gateway answers what the switch lets through.
 */
class SwitchCpsTest {
    static final String SWITCH = "127.0.0.62", GATEWAY_IN = "127.0.0.172", GATEWAY_OUT = "127.0.0.173";
    static final String FAILOVER = "sip:127.0.0.199:5060";

    @TempDir Path dir;
    TestSwitch sw;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    private TestSwitch.Config config() {
        TestSwitch.Config c = new TestSwitch.Config(SWITCH)
                .route("in", "99", "sip:" + GATEWAY_IN + ":5099")  // makes GATEWAY_IN a trusted source
                .route("out", "", "sip:" + GATEWAY_OUT + ":5080");
        c.cpsLimit = 10;
        return c;
    }

    /** Offers {@code rate} calls/s for {@code seconds} s; returns the caller's result and the callee's. */
    private Sipp.Result[] offer(int rate, int seconds) {
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(seconds + 30)
                .start(dir, "gateway-out").awaitBound()) {
            int calls = rate * seconds;
            Sipp.Result uac = Sipp.scenario("uac-cps").local(GATEWAY_IN, 5060).remote(SWITCH, TestSwitch.PORT)
                    .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                    .calls(calls).rate(rate, 1000).timeout(seconds + 15).run(dir, "gateway-in").assertClean(calls);
            return new Sipp.Result[] {uac, gateway.stop()};
        }
    }

    @Test void callsOverTheLimitGet503ServerAtMaxCps() {
        sw = TestSwitch.start(config());
        Sipp.Result[] r = offer(30, 10);
        Sipp.Result uac = r[0];
        long answered = uac.count("BYE", "Sent"), refused = uac.count("503", "Recv");
        assertThat(answered).as("calls admitted in 10 s at 10 cps\n%s", uac.diagnostics()).isBetween(90L, 110L);
        assertThat(answered + refused).as("every call answered or refused with 503").isEqualTo(300);
        assertThat(uac.count("302", "Recv")).isZero();
        assertThat(r[1].exit).as("callee\n%s", r[1].diagnostics()).isZero();
        assertThat(r[1].successful()).as("calls the callee got").isEqualTo(answered);
        r[1].assertNoStrayMessages();
        assertThat(sw.channelsInUse()).isZero();
        String metrics = sw.scrape();
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"admitted\"")).isEqualTo(answered);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_cps_rejected_total", "scope=\"switch\"")).isEqualTo(refused);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"cps_rejected\"")).isEqualTo(refused);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"answered\"")).isEqualTo(answered);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_channels_in_use")).isZero();
    }

    @Test void withACapacityFailoverCallsOverTheLimitAreRedirected() {
        TestSwitch.Config c = config();
        c.capacityFailover = FAILOVER;
        sw = TestSwitch.start(c);
        Sipp.Result[] r = offer(30, 3);
        Sipp.Result uac = r[0];
        long answered = uac.count("BYE", "Sent"), moved = uac.count("302", "Recv");
        assertThat(answered).as("calls admitted in 3 s at 10 cps\n%s", uac.diagnostics()).isBetween(25L, 35L);
        assertThat(answered + moved).as("every call answered or redirected").isEqualTo(90);
        assertThat(uac.count("503", "Recv")).isZero();
        assertThat(r[1].successful()).isEqualTo(answered);
        assertThat(sw.channelsInUse()).isZero();
    }
}
