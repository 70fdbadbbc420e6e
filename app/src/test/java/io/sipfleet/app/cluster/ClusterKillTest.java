package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.cluster.RedisClusterState;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * Channel leases against a real crash: three members as separate OS processes
 * ({@code sipfleet node --role switch}), cluster channel limit 10, lease TTL 3 s. 15 long calls
 * spread over the members: 10 up, 5 refused. Member C, holding 4, is killed with {@code kill -9}
 * (no shutdown hook, nothing released): the cluster's count in Redis falls back to the
 * survivors' 6 within 2 x TTL, and new calls are admitted up to the limit again.
 */
class ClusterKillTest {
    static final String A = "127.0.5.21", B = "127.0.5.22", C = "127.0.5.23";
    static final String GATEWAY_IN = "127.0.5.130", GATEWAY_OUT = "127.0.5.131";
    static final Duration TTL = Duration.ofSeconds(3);

    final String cluster = ClusterMember.randomClusterId();
    @TempDir Path dir;
    final List<Process> nodes = new ArrayList<>();
    RedisClusterState observer;

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
        assumeTrue(ClusterMember.redisUp("127.0.0.1", 6379), "no Redis at 127.0.0.1:6379");
    }

    final long startedAt = System.nanoTime();

    private void mark(String what) {
        System.out.printf("kill test: %s at %.1f s%n", what, (System.nanoTime() - startedAt) / 1e9);
    }

    @AfterEach void stop() throws InterruptedException {
        mark("stopping the nodes");
        for (Process p : nodes) p.destroy();
        for (Process p : nodes) if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        mark("nodes stopped");
        if (observer != null) observer.close();
        ClusterMember.purge(cluster);
    }

    /** Starts {@code sipfleet node --role switch} for member {@code ip} as a process of its own. */
    private Process startNode(String ip) throws IOException {
        ClusterMember.Config c = new ClusterMember.Config(ip, cluster).members(A, B, C)
                .route("in", "99", "sip:" + GATEWAY_IN + ":5099")
                .route("out", "", "sip:" + GATEWAY_OUT + ":5080");
        c.channelLimit = 10;
        c.leaseTtl = TTL;
        c.keepAliveDisabled = true;
        Path config = dir.resolve(ClusterMember.serverId(ip) + ".json");
        Files.writeString(config, c.json());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sipfleet.app.Main",
                "node", "--role", "switch", "--config", config.toString()));
        Path log = dir.resolve(ClusterMember.serverId(ip) + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        nodes.add(p);
        return p;
    }

    private static void awaitRunning(Process p, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(" running;")) {
            if (!p.isAlive()) throw new AssertionError("node exited:\n" + Files.readString(log));
            if (System.nanoTime() > deadline) throw new AssertionError("node did not start:\n" + Files.readString(log));
            Sipp.sleep(100);
        }
    }

    private int clusterChannels() {
        return observer.state().channels().count("cluster").toCompletableFuture().join();
    }

    private Sipp.Running longCalls(String member, int k, int n, int holdMs) {
        return Sipp.scenario("uac-channels-hold").local(GATEWAY_IN, 5061 + k).remote(member, ClusterMember.PORT)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").arg("-d", Integer.toString(holdMs))
                .calls(n).rate(50, 1000).timeout(holdMs / 1000 + 30).start(dir, "calls-" + k);
    }

    private void awaitChannels(int n, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (clusterChannels() != n && System.nanoTime() < deadline) Sipp.sleep(20);
        assertThat(clusterChannels()).as("cluster channels in Redis").isEqualTo(n);
    }

    @Test void killMinusNineOfAMemberFreesItsChannelsWithinTwoTtls() throws Exception {
        Process a = startNode(A), b = startNode(B), c = startNode(C);
        awaitRunning(a, dir.resolve(ClusterMember.serverId(A) + ".log"));
        awaitRunning(b, dir.resolve(ClusterMember.serverId(B) + ".log"));
        awaitRunning(c, dir.resolve(ClusterMember.serverId(C) + ".log"));
        observer = RedisClusterState.connect(ClusterMember.REDIS, cluster, TTL);
        mark("three nodes running");

        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(120)
                .start(dir, "gateway-out").awaitBound();
             Sipp.Running onC = longCalls(C, 0, 4, 60_000)) {
            awaitChannels(4, Duration.ofSeconds(10));
            try (Sipp.Running onA = longCalls(A, 1, 6, 20_000)) {
                awaitChannels(10, Duration.ofSeconds(10));
                Sipp.Result onB = longCalls(B, 2, 5, 1_000).await();
                assertThat(onB.count("503", "Recv")).as("refused at B: the cluster is full\n%s", onB.diagnostics())
                        .isEqualTo(5);
                assertThat(clusterChannels()).isEqualTo(10);

                mark("cluster full");
                long killedAt = System.nanoTime();
                Process kill = new ProcessBuilder("kill", "-9", Long.toString(c.pid())).inheritIO().start();
                assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
                assertThat(c.waitFor(5, TimeUnit.SECONDS)).as("C is dead").isTrue();
                assertThat(c.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
                long deadline = killedAt + 2 * TTL.toNanos();
                while (clusterChannels() != 6 && System.nanoTime() < deadline) Sipp.sleep(20);
                double took = (System.nanoTime() - killedAt) / 1e9;
                System.out.printf("kill -9: C's 4 channels freed %.2f s after the kill (TTL %d s)%n", took, TTL.toSeconds());
                assertThat(clusterChannels()).as("cluster channels %.2f s after kill -9 of C", took).isEqualTo(6);

                // room for 4 again: 5 new calls through B, 4 go up, 1 is refused
                Sipp.Result again = longCalls(B, 3, 5, 2_000).await();
                assertThat(again.count("BYE", "Sent")).as("admitted after the kill\n%s", again.diagnostics()).isEqualTo(4);
                assertThat(again.count("503", "Recv")).isEqualTo(1);
                onA.await().assertClean(6);
                mark("A's calls done");
            }
            awaitChannels(0, Duration.ofSeconds(10));
            // the gateway still holds C's four dialogs, whose BYE will never come: closed, not stopped
        }
    }
}
