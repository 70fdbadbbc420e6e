package io.sipfleet.app.dispatching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One dispatcher (127.0.6.50) in front of three in-process switches (127.0.6.51-53), real SIPp
 * on both ends: a carrier gateway calling through the dispatcher (127.0.6.54) and a gateway
 * answering every call the switches route out (127.0.6.55:5080). Each switch trusts the
 * dispatcher's address (it is the gateway of a route), so calls need no digest round.
 */
class DispatcherEndToEndTest {
    static final String DISPATCHER = "127.0.6.50", CALLER = "127.0.6.54", GATEWAY = "127.0.6.55";
    static final String[] SWITCHES = {"127.0.6.51", "127.0.6.52", "127.0.6.53"};

    @TempDir Path dir;
    final List<TestSwitch> switches = new ArrayList<>();
    DispatcherNode dispatcher;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stop() {
        if (dispatcher != null) dispatcher.close();
        for (TestSwitch s : switches) s.close();
    }

    private void startSwitches(int cpsLimitOfFirst) {
        for (int i = 0; i < SWITCHES.length; i++) {
            TestSwitch.Config c = new TestSwitch.Config(SWITCHES[i])
                    .route("dispatcher", "99", "sip:" + DISPATCHER + ":5099") // trusts the dispatcher's address
                    .route("out", "", "sip:" + GATEWAY + ":5080");
            if (i == 0) c.cpsLimit = cpsLimitOfFirst;
            switches.add(TestSwitch.start(c));
        }
    }

    private void startDispatcher() throws Exception {
        String json = """
                {"version": 1, "serverId": "test-dispatcher",
                 "listen": [{"address": "%s", "port": 5060}],
                 "destinations": [{"uri": "sip:%s:5060"}, {"uri": "sip:%s:5060"}, {"uri": "sip:%s:5060"}],
                 "algorithm": "round-robin",
                 "probe": {"intervalSeconds": 1, "failuresToDown": 2, "successesToUp": 1},
                 "noAnswerMillis": 1000, "maxSourceRate": 1000, "metricsPort": 0}
                """.formatted(DISPATCHER, SWITCHES[0], SWITCHES[1], SWITCHES[2]);
        dispatcher = DispatcherNode.start(DispatcherConfig.parse(json));
    }

    private Sipp caller(int calls, int rate, int timeout) {
        return Sipp.scenario("uac-cps").local(CALLER, 5060).remote(DISPATCHER, 5060)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                .calls(calls).rate(rate, 1000).timeout(timeout);
    }

    private Sipp.Running gateway(int timeout) {
        return Sipp.scenario("uas-answer-any").local(GATEWAY, 5080).timeout(timeout).start(dir, "gateway").awaitBound();
    }

    private double admitted(TestSwitch s) { return s.metric("sipfleet_calls_total", "result=\"admitted\""); }

    /** The figure: 3,000 calls over 30 s, each switch within +-10 % of an even share. */
    @Test void roundRobinSpreadsCallsEvenlyOverTheSwitches() throws Exception {
        startSwitches(0);
        startDispatcher();
        try (Sipp.Running gw = gateway(90)) {
            caller(3000, 100, 60).run(dir, "caller").assertClean(3000);
            gw.stop();
        }
        for (TestSwitch s : switches) {
            assertThat(admitted(s)).as("calls admitted by %s", s.node.config().serverId()).isBetween(900.0, 1100.0);
        }
        String status = http("/status");
        assertThat(status).contains("\"up\":true").doesNotContain("\"up\":false");
        String metrics = http("/metrics");
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_destination_up", "127.0.6.52")).isEqualTo(1.0);
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_requests_total", "method=\"INVITE\"")).isEqualTo(3000.0);
    }

    // A switch dying under load: DispatcherSwitchKillTest (kill -9 of a switch process).

    @Test void aSwitchAnswering503IsSkippedWithoutBeingMarkedDown() throws Exception {
        startSwitches(1); // 127.0.6.51 takes 1 call/s: most calls sent there get 503
        startDispatcher();
        try (Sipp.Running gw = gateway(60)) {
            caller(60, 20, 30).run(dir, "caller").assertClean(60);
            gw.stop();
        }
        assertThat(admitted(switches.get(0))).as("the limited switch").isLessThan(10.0);
        assertThat(admitted(switches.get(1)) + admitted(switches.get(2))).isGreaterThan(50.0);
        assertThat(dispatcher.isUp("sip:127.0.6.51:5060")).isTrue();
        String metrics = http("/metrics");
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_failovers_total", "status=\"503\"")).isGreaterThan(0.0);
    }

    private String http(String path) throws Exception { return StatusHttp.get(dispatcher, path); }
}
