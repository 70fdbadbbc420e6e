package io.sipfleet.app.dispatching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatcher whose only switch answers calls but not its probes: what an overloaded switch, or
 * a broken probe path, looks like from the dispatcher. The "switch" is a SIPp callee (it answers
 * INVITEs, never OPTIONS), so the probes take it out for good. With whenAllDown "try-all" (the
 * default) calls still reach it and complete, those sent before it went down too; with "refuse"
 * they get 503 "No Switch Available" from the dispatcher at once.
 */
class DispatcherAllDownTest {
    static final String DISPATCHER = "127.0.6.70", SWITCH = "127.0.6.71", CALLER = "127.0.6.72";
    static final String SWITCH_URI = "sip:" + SWITCH + ":5060";
    /** Two unanswered probes of 200 ms: out within the first round. */
    static final String FAST_PROBES = "{\"intervalSeconds\": 1, \"failuresToDown\": 2, \"successesToUp\": 1, \"timeoutMillis\": 200}";

    @TempDir Path dir;
    DispatcherNode dispatcher;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stop() {
        if (dispatcher != null) dispatcher.close();
    }

    private void startDispatcher(String whenAllDown, String probe) throws Exception {
        String json = """
                {"version": 1, "serverId": "all-down-dispatcher",
                 "listen": [{"address": "%s", "port": 5060}],
                 "destinations": [{"uri": "%s"}],
                 "probe": %s,
                 "noAnswerMillis": 1000, "metricsPort": 0%s}
                """.formatted(DISPATCHER, SWITCH_URI, probe,
                whenAllDown == null ? "" : ", \"whenAllDown\": \"" + whenAllDown + "\"");
        dispatcher = DispatcherNode.start(DispatcherConfig.parse(json));
    }

    private void awaitDown() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !dispatcher.isUp(SWITCH_URI));
    }

    private Sipp caller(String scenario, int calls) {
        return Sipp.scenario(scenario).local(CALLER, 5060).remote(DISPATCHER, 5060)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                .calls(calls).rate(10, 1000).timeout(30);
    }

    @Test void tryAllIsTheDefaultAndCallsStillReachASwitchMarkedDown() throws Exception {
        try (Sipp.Running callee = Sipp.scenario("uas-answer-any").local(SWITCH, 5060).timeout(60)
                .start(dir, "switch").awaitBound()) {
            startDispatcher(null, FAST_PROBES);
            awaitDown();
            caller("uac-cps", 20).run(dir, "caller").assertClean(20);
            callee.stop();
        }
        assertThat(dispatcher.isUp(SWITCH_URI)).as("still unanswered probes: still down").isFalse();
        String metrics = StatusHttp.get(dispatcher, "/metrics");
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_all_down_requests_total",
                        "server=\"all-down-dispatcher\""))
                .as("each INVITE (and each stateless request) routed past the probes; tagged with the server like"
                        + " every other series").isGreaterThanOrEqualTo(20.0);
        double refused = TestSwitch.metricIn(metrics, "sipfleet_dispatcher_rejected_total", "status=\"503\"");
        assertThat(Double.isNaN(refused) ? 0 : refused).as("503s from the dispatcher (no series: none)").isZero();
    }

    /**
     * The INVITE is ringing at the switch (180) when the probes take that switch out, the last one
     * up: under try-all it is not given up there (that would be a 503 to the caller for a switch
     * the dispatcher goes on sending calls to), and the 200 that comes later reaches the caller.
     */
    @Test void underTryAllAnInvitePendingOnTheLastSwitchGoingDownIsNotGivenUp() throws Exception {
        // Probes every second of 500 ms: the first one's timeout finds the 180 heard after it left
        // (answering calls: kept up), the next round's two fall in the silence of the ringing: down
        // about 2 s in, while the callee rings for 4 s.
        String slowProbes = "{\"intervalSeconds\": 1, \"failuresToDown\": 2, \"successesToUp\": 1, \"timeoutMillis\": 500}";
        try (Sipp.Running callee = Sipp.scenario("uas-answer-late").local(SWITCH, 5060).key("user", "switch")
                .arg("-d", "4000").timeout(60).start(dir, "switch").awaitBound()) {
            startDispatcher(null, slowProbes);
            assertThat(dispatcher.isUp(SWITCH_URI)).as("the call starts while the switch is up").isTrue();
            caller("uac-cps", 1).run(dir, "caller").assertClean(1);
            callee.stop();
        }
        assertThat(dispatcher.isUp(SWITCH_URI)).as("it went down while the call rang").isFalse();
    }

    /**
     * The same switch (calls answered, probes never) with calls flowing: every probe times out
     * after responses to calls came from it, so it stays in rotation, each such probe counted as
     * slow; once the calls stop it is silent on every front and goes down.
     */
    @Test void aSwitchAnsweringItsCallsStaysInRotationThoughItsProbesTimeOut() throws Exception {
        // The first probe leaves as the dispatcher starts, before the first call: two timeouts (0.9 s)
        // with no response heard would take the switch out before the calls could keep it in. The
        // first call's answers come well before (SIPp starts sending at once, the callee answers at once).
        String probes = "{\"intervalSeconds\": 1, \"failuresToDown\": 2, \"successesToUp\": 1, \"timeoutMillis\": 450}";
        boolean wentDown = false;
        try (Sipp.Running callee = Sipp.scenario("uas-answer-any").local(SWITCH, 5060).timeout(60)
                .start(dir, "switch").awaitBound()) {
            startDispatcher(null, probes);
            try (Sipp.Running calls = caller("uac-cps", 60).start(dir, "caller")) { // 6 s at 10 calls/s
                long until = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < until) {
                    if (!dispatcher.isUp(SWITCH_URI)) wentDown = true;
                    Sipp.sleep(50);
                }
                calls.await().assertClean(60);
            }
            assertThat(wentDown).as("taken out while it answered every call").isFalse();
            String metrics = StatusHttp.get(dispatcher, "/metrics");
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_destination_slow_probes_total", SWITCH))
                    .as("a probe a second timed out, each while calls were answered").isGreaterThanOrEqualTo(3.0);
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_all_down_requests_total"))
                    .as("no call needed try-all").isZero();
            await().atMost(Duration.ofSeconds(6)).until(() -> !dispatcher.isUp(SWITCH_URI));
            callee.stop();
        }
    }

    @Test void refuseAnswers503AtOnceWhileEverySwitchIsDown() throws Exception {
        try (Sipp.Running callee = Sipp.scenario("uas-answer-any").local(SWITCH, 5060).timeout(60)
                .start(dir, "switch").awaitBound()) {
            startDispatcher("refuse", FAST_PROBES);
            awaitDown();
            long start = System.nanoTime();
            caller("uac-no-switch", 5).run(dir, "caller").assertClean(5);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no call waited for a switch")
                    .isLessThan(Duration.ofSeconds(5));
            callee.stop();
        }
        String metrics = StatusHttp.get(dispatcher, "/metrics");
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_rejected_total", "status=\"503\"")).isEqualTo(5.0);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_all_down_requests_total")).isZero();
    }
}
