package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel limit with real SIPp: 8 calls held 1.5 s each against channelLimit 5 (a trusted
 * gateway calls, another gateway answers): 5 go up, 3 are refused (503 "Server at max channels",
 * or 302 to capacityFailover), and every channel is free once they hang up.
 */
class SwitchChannelLimitTest {
    static final String SWITCH = "127.0.0.63", GATEWAY_IN = "127.0.0.174", GATEWAY_OUT = "127.0.0.175";

    @TempDir Path dir;
    TestSwitch sw;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    private void start(String failover) {
        TestSwitch.Config c = new TestSwitch.Config(SWITCH)
                .route("in", "99", "sip:" + GATEWAY_IN + ":5099")
                .route("out", "", "sip:" + GATEWAY_OUT + ":5080");
        c.channelLimit = 5;
        c.capacityFailover = failover;
        sw = TestSwitch.start(c);
    }

    /** 8 long calls at once; checks 5 channels in use while they last; returns the caller's result. */
    private Sipp.Result eightLongCalls() {
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(30)
                .start(dir, "gateway-out").awaitBound();
             Sipp.Running uac = Sipp.scenario("uac-channels").local(GATEWAY_IN, 5060).remote(SWITCH, TestSwitch.PORT)
                     .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").calls(8).rate(100, 1000)
                     .timeout(20).start(dir, "gateway-in")) {
            Sipp.sleep(700); // all 8 INVITEs answered or refused, the 5 calls held for 1.5 s
            assertThat(sw.channelsInUse()).as("channels while the calls are up").isEqualTo(5);
            assertThat(sw.metric("sipfleet_channels_in_use")).isEqualTo(5);
            Sipp.Result caller = uac.await().assertClean(8);
            Sipp.Result callee = gateway.stop();
            assertThat(callee.exit).as("callee\n%s", callee.diagnostics()).isZero();
            assertThat(callee.successful()).isEqualTo(5);
            callee.assertNoStrayMessages();
            return caller;
        }
    }

    @Test void fiveCallsGoUpThreeGet503AndAllChannelsAreFreedAfter() {
        start(null);
        Sipp.Result uac = eightLongCalls();
        assertThat(uac.count("BYE", "Sent")).as("answered\n%s", uac.diagnostics()).isEqualTo(5);
        assertThat(uac.count("503", "Recv")).as("refused: Server at max channels").isEqualTo(3);
        assertThat(sw.channelsInUse()).isZero();
        String metrics = sw.scrape();
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_channels_in_use")).isZero();
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"channel_rejected\"")).isEqualTo(3);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"answered\"")).isEqualTo(5);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_cps_rejected_total", "scope=\"switch\"")).isZero();
    }

    @Test void withACapacityFailoverTheThreeAreRedirected() {
        start("sip:127.0.0.199:5060");
        Sipp.Result uac = eightLongCalls();
        assertThat(uac.count("BYE", "Sent")).as("answered\n%s", uac.diagnostics()).isEqualTo(5);
        assertThat(uac.count("302", "Recv")).as("redirected to the failover").isEqualTo(3);
        assertThat(sw.channelsInUse()).isZero();
        assertThat(sw.metric("sipfleet_channels_in_use")).isZero();
    }
}
