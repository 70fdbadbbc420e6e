package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through the real switch with real SIPp: subscribers register with digest auth, then
 * call each other (answer, CANCEL, busy, re-INVITE, forking) and a carrier gateway. A fresh
 * switch per test on {@value #SWITCH}; SIPp on {@value #UAC} (callers) and {@value #UAS}
 * (callees, registered from the port they then listen on).
 */
class SwitchCallFlowsTest {
    static final String SWITCH = "127.0.0.60", UAC = "127.0.0.160", UAS = "127.0.0.161", GATEWAY = "127.0.0.162";

    @TempDir Path dir;
    TestSwitch sw;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @BeforeEach void startSwitch() {
        sw = TestSwitch.start(new TestSwitch.Config(SWITCH).route("uk", "44", "sip:" + GATEWAY + ":5080"));
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    @Test void registeredSubscribersCallEachOther() {
        sw.register(dir, "1002", UAS, 5070);
        assertThat(sw.bindings("sip:1002@sipfleet.local")).isEqualTo(1);
        try (Sipp.Running uas = callee("uas-answer", "1002", 5070, 3)) {
            caller("uac-call", "1002").calls(3).rate(10, 1000).run(dir, "uac").assertClean(3);
            uas.await().assertClean(3);
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    /** SIPp calling {@code callee} as subscriber 1001 (407 round first) with {@code scenario}. */
    Sipp caller(String scenario, String callee) {
        return Sipp.scenario(scenario).local(UAC, 5060).remote(SWITCH, TestSwitch.PORT)
                .injection("SEQUENTIAL", TestSwitch.credentials("1001")).arg("-auth_uri", callee + "@sipfleet.local")
                .arg("-s", callee).timeout(20);
    }

    /** SIPp answering as {@code user} on {@code port} with {@code scenario}, {@code calls} calls. */
    Sipp.Running callee(String scenario, String user, int port, int calls, String... sippArgs) {
        return Sipp.scenario(scenario).local(UAS, port).key("user", user).calls(calls).arg(sippArgs).timeout(20)
                .start(dir, scenario + "-" + port).awaitBound();
    }

    @Test void callerCancelsWhileTheCalleeRings() {
        sw.register(dir, "1002", UAS, 5070);
        try (Sipp.Running uas = callee("uas-cancel", "1002", 5070, 2)) {
            caller("uac-cancel", "1002").calls(2).rate(10, 1000).run(dir, "uac").assertClean(2);
            uas.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    @Test void busyCalleeGivesTheCaller486() {
        sw.register(dir, "1002", UAS, 5070);
        try (Sipp.Running uas = callee("uas-busy", "1002", 5070, 2)) {
            caller("uac-busy", "1002").calls(2).rate(10, 1000).run(dir, "uac").assertClean(2);
            uas.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    @Test void reInviteGoesThroughTheSwitch() {
        sw.register(dir, "1002", UAS, 5070);
        try (Sipp.Running uas = callee("uas-reinvite", "1002", 5070, 2)) {
            caller("uac-reinvite", "1002").calls(2).rate(10, 1000).run(dir, "uac").assertClean(2);
            uas.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    @Test void callForksToBothContactsAndCancelsTheLoser() {
        sw.register(dir, "1002", UAS, 5070);
        sw.register(dir, "1002", UAS, 5072);
        assertThat(sw.bindings("sip:1002@sipfleet.local")).isEqualTo(2);
        try (Sipp.Running winner = callee("uas-answer-late", "1002", 5070, 2, "-d", "600"); // rings 600 ms
             Sipp.Running loser = callee("uas-cancel", "1002", 5072, 2)) {
            caller("uac-fork", "1002").calls(2).rate(2, 1000).limit(1).run(dir, "uac").assertClean(2);
            winner.await().assertClean(2);
            loser.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    @Test void callToACarrierRouteReachesTheGatewayWithTheNumber() {
        try (Sipp.Running gateway = Sipp.scenario("uas-gateway").local(GATEWAY, 5080).key("user", "gw").calls(2)
                .timeout(20).start(dir, "gateway").awaitBound()) {
            caller("uac-call", "442071234567").calls(2).rate(10, 1000).run(dir, "uac").assertClean(2);
            gateway.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    @Test void carrierGatewayCallsASubscriberWithoutAuthentication() {
        sw.register(dir, "1002", UAS, 5070);
        try (Sipp.Running uas = callee("uas-answer", "1002", 5070, 2)) {
            Sipp.scenario("uac-trusted").local(GATEWAY, 5081).remote(SWITCH, TestSwitch.PORT)
                    .injection("SEQUENTIAL", "441632960001").arg("-s", "1002").calls(2).rate(10, 1000).timeout(20)
                    .run(dir, "gateway-uac").assertClean(2);
            uas.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    @Test void retransmitted200sPassUntilTheLateAckArrives() {
        sw.register(dir, "1002", UAS, 5070);
        try (Sipp.Running uas = callee("uas-answer", "1002", 5070, 1)) {
            Sipp.Result uac = Sipp.scenario("uac-slow-ack").local(GATEWAY, 5081).remote(SWITCH, TestSwitch.PORT)
                    .injection("SEQUENTIAL", "441632960001").arg("-s", "1002").calls(1).timeout(20)
                    .run(dir, "gateway-uac").assertClean(1);
            assertThat(uac.count("200", "Retrans")).as("200s re-sent by the callee that reached the caller\n%s",
                    uac.diagnostics()).isPositive();
            Sipp.Result callee = uas.await().assertClean(1);
            assertThat(callee.count("200", "Retrans")).as("the callee re-sent its 200").isPositive();
        }
        assertThat(sw.channelsInUse()).isZero();
    }

    @Test void calleeHangsUpAlongTheRecordedRoute() {
        sw.register(dir, "1002", UAS, 5070);
        try (Sipp.Running uas = callee("uas-hangs-up", "1002", 5070, 2)) {
            caller("uac-callee-hangs-up", "1002").calls(2).rate(10, 1000).run(dir, "uac").assertClean(2);
            uas.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
        assertThat(sw.metric("sipfleet_calls_total", "result=\"answered\"")).isEqualTo(2);
    }
}
