package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-alive with real SIPp: a phone registers, answers the switch's OPTIONS pings (every 1 s)
 * for a while, then goes silent; its binding is removed after about lostPingLimit (2) intervals,
 * and the round trips it answered are visible to the node and in /metrics.
 */
class SwitchKeepAliveTest {
    static final String SWITCH = "127.0.0.64", PHONE = "127.0.0.176";
    static final String AOR = "sip:1003@sipfleet.local", CONTACT = "sip:1003@" + PHONE + ":5076";

    @TempDir Path dir;
    TestSwitch sw;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    @Test void silentPhoneLosesItsBindingAfterAboutKIntervalsAndRttIsVisible() {
        TestSwitch.Config c = new TestSwitch.Config(SWITCH);
        c.keepAliveInterval = 1;
        c.lostPingLimit = 2;
        sw = TestSwitch.start(c);
        Path pings = dir.resolve("uas-options.xml");
        Sipp.copyScenario("uas-options", pings);
        // registers, answers every ping for 3 s (out-of-call scenario), then exits: silent from then on
        Sipp.Result phone = Sipp.scenario("register-and-stay").local(PHONE, 5076).remote(SWITCH, TestSwitch.PORT)
                .calls(1).timeout(15).arg("-auth_uri", TestSwitch.REALM).arg("-oocsf", pings.toString())
                .injection("SEQUENTIAL", TestSwitch.credentials("1003") + ";" + PHONE + ":5076").run(dir, "phone");
        assertThat(phone.exit).as("phone\n%s", phone.diagnostics()).isZero();
        assertThat(phone.successful()).isEqualTo(1);
        long silentSince = System.nanoTime();
        Duration rtt = sw.node.keepAlive().lastRtt(AOR, CONTACT);
        assertThat(rtt).as("last RTT of the binding").isNotNull().isLessThan(Duration.ofSeconds(1));
        String metrics = sw.scrape();
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_keepalive_rtt_seconds_count")).isGreaterThanOrEqualTo(2);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_keepalive_rtt_seconds_sum")).isGreaterThan(0);

        // silent now: pings go unanswered, the binding goes after ~2 intervals (plus one to notice)
        long deadline = silentSince + Duration.ofSeconds(8).toNanos();
        while (sw.bindings(AOR) > 0 && System.nanoTime() < deadline) Sipp.sleep(100);
        double took = (System.nanoTime() - silentSince) / 1e9;
        assertThat(sw.bindings(AOR)).as("binding of the silent phone after %.1f s", took).isZero();
        assertThat(took).as("seconds until removal").isBetween(1.0, 5.0);
        assertThat(sw.metric("sipfleet_keepalive_lost_total")).isGreaterThanOrEqualTo(1);
    }
}
