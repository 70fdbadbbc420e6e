package io.sipfleet.app.dispatching;

import static io.sipfleet.app.dispatching.Fleet3.CALLER;
import static io.sipfleet.app.dispatching.Fleet3.DISPATCHER;
import static io.sipfleet.app.dispatching.Fleet3.SWITCHES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherConfigWatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatcher's config file edited while calls are up: v1 spreads over switches 1 and 2
 * round-robin; v2 drops switch 1 and adds switch 3 at weight 3 (weighted). The reload is one
 * swap: no call is dropped (calls held on switch 1 still end with their BYE through the
 * dispatcher), no new call goes to switch 1 after it, switch 3 takes three of every four new
 * ones. A file that changes what needs a restart, or does not parse, is refused and v2 stays.
 */
class DispatcherReloadTest {
    @TempDir Path dir;
    Fleet3 fleet;
    DispatcherConfigWatcher watcher;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stop() {
        if (watcher != null) watcher.close();
        if (fleet != null) fleet.close();
    }

    private static String dest(int i, int weight) {
        return "{\"uri\": \"sip:" + SWITCHES[i] + ":5060\", \"weight\": " + weight + "}";
    }

    private void awaitVersion(long v) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (fleet.dispatcher.config().version() != v) {
            assertThat(System.nanoTime()).as("config v%d applied", v).isLessThan(deadline);
            Sipp.sleep(20);
        }
    }

    @Test void routingChangesApplyAtOnceWithoutDroppingCalls() throws Exception {
        fleet = new Fleet3(dir).switches();
        Path file = dir.resolve("dispatcher.json");
        Files.writeString(file, Fleet3.dispatcherJson(1, "round-robin", dest(0, 1) + ", " + dest(1, 1)));
        fleet.dispatcherFrom(Files.readString(file));
        watcher = DispatcherConfigWatcher.start(file, fleet.dispatcher, Duration.ofMillis(100));
        fleet.awaitAllUp(10);

        double[] atReload;
        try (Sipp.Running gw = fleet.gateway(60);
             Sipp.Running calls = Sipp.scenario("uac-channels-hold").local(CALLER, 5060).remote(DISPATCHER, 5060)
                     .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").arg("-d", "3000")
                     .calls(100).rate(20, 1000).timeout(40).start(dir, "caller")) {
            Sipp.sleep(2500);
            assertThat(fleet.admitted()[0]).as("switch 1 carries calls before the reload").isGreaterThan(15.0);
            Files.writeString(file, Fleet3.dispatcherJson(2, "weighted", dest(1, 1) + ", " + dest(2, 3)));
            awaitVersion(2);
            Sipp.sleep(300); // INVITEs already on their way to switch 1 when the plan changed
            atReload = fleet.admitted();
            calls.await().assertClean(100); // including the BYEs of calls held on switch 1
            gw.stop();
        }
        double[] end = fleet.admitted();
        assertThat(end[0]).as("no new call on the removed switch: %s then %s", Arrays.toString(atReload),
                Arrays.toString(end)).isEqualTo(atReload[0]);
        double newOn2 = end[1] - atReload[1], newOn3 = end[2] - atReload[2];
        assertThat(newOn3).as("the added switch takes calls").isGreaterThan(20.0);
        assertThat(newOn3 / Math.max(1, newOn2)).as("weight 3 : 1 (%s then %s)", Arrays.toString(atReload),
                Arrays.toString(end)).isBetween(2.0, 4.5);
        assertThat(fleet.get("/status")).contains("\"algorithm\":\"weighted\"").doesNotContain(SWITCHES[0] + ":5060");

        // Refused: the listen socket needs a restart; then a file that does not parse.
        DispatcherConfig v3 = DispatcherConfig.parse(Fleet3.dispatcherJson(3, "round-robin", dest(1, 1))
                .replace("\"port\": 5060", "\"port\": 5062"));
        var refused = fleet.dispatcher.reload(v3);
        assertThat(refused.applied()).isFalse();
        assertThat(refused.message()).contains("listen").contains("restart");
        var lingerChange = fleet.dispatcher.reload(DispatcherConfig.parse(Fleet3.dispatcherJson(3, "round-robin", dest(1, 1))
                .replace("\"serverId\"", "\"transactionLingerSeconds\": 5, \"serverId\"")));
        assertThat(lingerChange.applied()).as("the transaction layer was built with it").isFalse();
        assertThat(lingerChange.message()).contains("transactionLingerSeconds").contains("restart");
        Files.writeString(file, "{\"version\": 4, \"serverId\": ");
        Sipp.sleep(500);
        var bad = watcher.reload();
        assertThat(bad.applied()).isFalse();
        assertThat(bad.message()).contains("dispatcher.json");
        assertThat(fleet.dispatcher.config().version()).isEqualTo(2);
        Files.writeString(file, Fleet3.dispatcherJson(1, "round-robin", dest(0, 1)));
        assertThat(watcher.reload().message()).contains("older");
    }
}
