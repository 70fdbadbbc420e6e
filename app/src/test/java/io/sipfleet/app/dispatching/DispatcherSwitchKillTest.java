package io.sipfleet.app.dispatching;

import static io.sipfleet.app.dispatching.Fleet3.CALLER;
import static io.sipfleet.app.dispatching.Fleet3.CALLER2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A switch dies for real: 127.0.6.3 runs as its own process ({@code sipfleet node --role switch})
 * and gets {@code kill -9} under 50 calls/s through the dispatcher (probes every 1 s, out after 2
 * failures, back after 2 answers). It must be out of rotation within 2 probe intervals; calls
 * whose INVITE was in flight to it go on to another switch; only calls already established on it
 * may fail (their BYE has nowhere to go); calls offered after that all complete; restarted, it is
 * back in rotation once M=2 probe rounds in a row were answered, and takes calls again.
 */
class DispatcherSwitchKillTest {
    static final String VICTIM = Fleet3.SWITCHES[2];
    static final int INTERVAL_MS = 1000, SUCCESSES_TO_UP = 2;

    @TempDir Path dir;
    Fleet3 fleet;
    Process victim;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stop() {
        if (victim != null) victim.destroyForcibly();
        if (fleet != null) fleet.close();
    }

    private Process startVictim(Path config, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc") || a.startsWith("-XX:+Use"))
                .toList());
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.sipfleet.app.Main",
                "node", "--role", "switch", "--config", config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("switch test-127-0-6-3 running")) return p;
            if (!p.isAlive()) throw new AssertionError("switch process exited\n" + Files.readString(log));
            Sipp.sleep(50);
        }
        throw new AssertionError("switch process not running after 40 s\n" + Files.readString(log));
    }

    /** Probes the victim answered in time, from the dispatcher's /status. */
    private long answered() {
        String status = fleet.get("/status");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"uri\":\"sip:" + java.util.regex.Pattern.quote(VICTIM)
                + ":5060\"[^}]*\"answered\":(\\d+)").matcher(status);
        if (!m.find()) throw new AssertionError("no " + VICTIM + " in " + status);
        return Long.parseLong(m.group(1));
    }

    private double victimAdmitted(int metricsPort) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + VICTIM + ":" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        double v = TestSwitch.metricIn(r.body(), "sipfleet_calls_total", "result=\"admitted\"");
        return Double.isNaN(v) ? 0 : v;
    }

    @Test void aSwitchKilledUnderLoadIsOutWithin2IntervalsItsInFlightCallsFailOverAndItComesBack() throws Exception {
        fleet = new Fleet3(dir);
        fleet.switches.add(TestSwitch.start(Fleet3.switchConfig(Fleet3.SWITCHES[0], true)));
        fleet.switches.add(TestSwitch.start(Fleet3.switchConfig(Fleet3.SWITCHES[1], true)));
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName(VICTIM))) {
            metricsPort = free.getLocalPort();
        }
        TestSwitch.Config vc = Fleet3.switchConfig(VICTIM, true);
        vc.metricsPort = metricsPort;
        Path config = dir.resolve("victim.json"), log = dir.resolve("victim.log");
        Files.writeString(config, vc.json());
        victim = startVictim(config, log);
        fleet.dispatcher("round-robin").awaitAllUp(10);
        String victimUri = "sip:" + VICTIM + ":5060";

        try (Sipp.Running gw = fleet.gateway(120)) {
            Sipp.Result before;
            long outAfterMs;
            try (Sipp.Running load = fleet.caller(CALLER, 400, 50, 60).start(dir, "caller-during-kill")) {
                Sipp.sleep(3000);
                assertThat(victimAdmitted(metricsPort)).as("the victim takes its share first").isGreaterThan(30.0);
                long killedAt = System.nanoTime();
                new ProcessBuilder("kill", "-9", Long.toString(victim.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
                while (fleet.dispatcher.isUp(victimUri)) {
                    assertThat((System.nanoTime() - killedAt) / 1_000_000).as("out within 2 probe intervals")
                            .isLessThanOrEqualTo(2L * INTERVAL_MS);
                    Sipp.sleep(20);
                }
                outAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
                before = load.await();
            }
            // Only calls established on the victim may fail: at 50 calls/s with instant hang-up, a
            // handful at most; every INVITE in flight to it went on to another switch.
            assertThat(before.failed()).as("failed calls (out after %d ms)\n%s", outAfterMs, before.diagnostics())
                    .isLessThanOrEqualTo(5);
            assertThat(before.successful() + before.failed()).isEqualTo(400);
            System.out.printf("kill -9: out of rotation after %d ms; %d of 400 calls failed%n", outAfterMs, before.failed());
            String metrics = fleet.get("/metrics");
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_dispatcher_destination_up", VICTIM)).isEqualTo(0.0);
            double retried = TestSwitch.metricIn(metrics, "sipfleet_dispatcher_failovers_total", VICTIM, "status=\"408\"");
            assertThat(retried).as("INVITEs sent to the dead switch, retried on another").isGreaterThan(0.0);
            System.out.printf("kill -9: %.0f INVITEs in flight to it went on to another switch%n", retried);

            // Calls offered now, through the outage and the restart, all complete.
            try (Sipp.Running after = fleet.caller(CALLER2, 400, 50, 60).start(dir, "caller-after-kill")) {
                Sipp.sleep(1500);
                long answeredBefore = answered();
                victim = startVictim(config, log);
                long readyAt = System.nanoTime(), firstAnswerAt = 0;
                // Back after M=2 answered rounds: at most M-1 intervals after its first answered
                // probe. (From the process start it is longer by up to an interval, plus what a
                // cold JVM takes for its first answers, which can exceed the probe timeout.)
                while (!fleet.dispatcher.isUp(victimUri)) {
                    long now = System.nanoTime();
                    if (firstAnswerAt == 0 && answered() > answeredBefore) firstAnswerAt = now;
                    if (firstAnswerAt != 0) {
                        assertThat((now - firstAnswerAt) / 1_000_000).as("up within M-1 intervals of its first answer")
                                .isLessThanOrEqualTo((long) (SUCCESSES_TO_UP - 1) * INTERVAL_MS + 300);
                    }
                    assertThat((now - readyAt) / 1_000_000).as("back after the restart").isLessThan(20_000L);
                    Sipp.sleep(20);
                }
                System.out.printf("restart: back in rotation %d ms after the process was running, %d ms after its first"
                        + " answered probe%n", (System.nanoTime() - readyAt) / 1_000_000,
                        firstAnswerAt == 0 ? -1 : (System.nanoTime() - firstAnswerAt) / 1_000_000);
                after.await().assertClean(400);
            }
            // back in rotation: it takes its share of new calls again
            double before2 = victimAdmitted(metricsPort);
            fleet.caller(CALLER, 60, 30, 30).run(dir, "caller-after-restart").assertClean(60);
            double share = victimAdmitted(metricsPort) - before2;
            System.out.printf("restart: the restarted switch took %.0f of the next 60 calls%n", share);
            assertThat(share).as("calls on the restarted switch").isGreaterThanOrEqualTo(10.0);
            // Not gw.stop(): that lets the callee finish its calls in progress, and a call that was
            // up on the killed switch never gets its BYE (it went to the dead switch), so the callee
            // would wait for its 120 s timeout. Closing it kills it.
        }
    }
}
