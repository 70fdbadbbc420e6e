package io.sipfleet.app.dispatching;

import static io.sipfleet.app.dispatching.Fleet3.CALLER;
import static io.sipfleet.app.dispatching.Fleet3.DISPATCHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane's serviceState on a dispatcher: expired or suspended (test period over, account
 * out of credit), it answers new calls 503 "Service Expired" / "Service Suspended" itself, none
 * reaching a switch; a snapshot making it active again lets calls through, without a restart.
 */
class DispatcherServiceStateTest {
    @TempDir Path dir;
    Fleet3 fleet;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stop() {
        if (fleet != null) fleet.close();
    }

    private static String withState(String json, String state) {
        return json.replace("\"metricsPort\": 0}", "\"metricsPort\": 0, \"serviceState\": \"" + state + "\"}");
    }

    private Sipp.Result refused(String label) {
        return Sipp.scenario("uac-service-refused").local(CALLER, 5060).remote(DISPATCHER, 5060)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                .calls(3).rate(10, 1000).timeout(15).run(dir, label);
    }

    @Test void expiredOrSuspendedRefusesNewCallsUntilActiveAgain() throws Exception {
        fleet = new Fleet3(dir).switches();
        fleet.dispatcherFrom(withState(Fleet3.dispatcherJson(1, "round-robin", Fleet3.allThree()), "expired"));
        fleet.awaitAllUp(10);
        refused("expired").assertClean(3);
        assertThat(fleet.admitted()).as("no switch saw a call").containsOnly(0.0);

        var suspended = fleet.dispatcher.reload(DispatcherConfig.parse(
                withState(Fleet3.dispatcherJson(2, "round-robin", Fleet3.allThree()), "suspended")));
        assertThat(suspended.applied()).as(suspended.message()).isTrue();
        refused("suspended").assertClean(3);

        var active = fleet.dispatcher.reload(DispatcherConfig.parse(
                withState(Fleet3.dispatcherJson(3, "round-robin", Fleet3.allThree()), "active")));
        assertThat(active.applied()).as(active.message()).isTrue();
        try (Sipp.Running gw = fleet.gateway(30)) {
            Sipp.scenario("uac-channels").local(CALLER, 5060).remote(DISPATCHER, 5060)
                    .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                    .calls(3).rate(10, 1000).timeout(20).run(dir, "active").assertClean(3);
            gw.stop();
        }
        assertThat(java.util.Arrays.stream(fleet.admitted()).sum()).as("active again: calls reach the switches")
                .isEqualTo(3.0);
    }

    @Test void anUnknownStateIsRefusedByName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DispatcherConfig.parse(
                        withState(Fleet3.dispatcherJson(1, "round-robin", Fleet3.allThree()), "closed")))
                .isInstanceOf(DispatcherConfigException.class).hasMessageContaining("serviceState");
    }
}
