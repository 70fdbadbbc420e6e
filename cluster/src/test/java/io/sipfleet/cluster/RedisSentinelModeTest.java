package io.sipfleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.RegisterRequest;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster state through Redis Sentinel ({@code redis-sentinel://}): a master (6398), its
 * replica (6399) and one Sentinel (26398), all started by the test. A member connected through
 * the Sentinel works, and when the master is killed ({@code kill -9}) and the Sentinel promotes
 * the replica, the member reconnects to the new master by itself and the registration written
 * before the failover is still there (the replica had it).
 */
class RedisSentinelModeTest {
    static final int MASTER = 6398, REPLICA = 6399, SENTINEL = 26398;
    static final String URI = "redis-sentinel://127.0.0.1:" + SENTINEL + "/0#t5master";
    @TempDir Path dir;
    final List<Process> processes = new ArrayList<>();
    Process master;
    final String clusterId = "t5-sen-" + UUID.randomUUID().toString().substring(0, 8);

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Process start(int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        processes.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port)) {
            if (System.nanoTime() > deadline) throw new AssertionError("redis on " + port + " did not start");
            Thread.sleep(20);
        }
        return p;
    }

    @BeforeEach void startRedisWithSentinel() throws Exception {
        assumeTrue(onPath("redis-server"), "redis-server not on the PATH");
        for (int p : new int[] {MASTER, REPLICA, SENTINEL}) assumeTrue(!listening(p), "port " + p + " is taken");
        master = start(MASTER);
        start(REPLICA, "--replicaof", "127.0.0.1", Integer.toString(MASTER));
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, """
                port %d
                bind 127.0.0.1
                sentinel monitor t5master 127.0.0.1 %d 1
                sentinel down-after-milliseconds t5master 1000
                sentinel failover-timeout t5master 5000
                """.formatted(SENTINEL, MASTER));
        Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
        processes.add(sentinel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(SENTINEL)) {
            if (System.nanoTime() > deadline) throw new AssertionError("sentinel did not start");
            Thread.sleep(20);
        }
    }

    @AfterEach void stop() throws InterruptedException {
        for (Process p : processes) p.destroyForcibly();
        for (Process p : processes) p.waitFor(5, TimeUnit.SECONDS);
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    private static int replicaOffsetLag() {
        RedisClient c = RedisClient.create("redis://127.0.0.1:" + REPLICA);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            String info = conn.sync().info("replication");
            return info.contains("master_link_status:up") ? 0 : 1;
        } finally {
            c.shutdown();
        }
    }

    @Test void aMemberFollowsASentinelFailoverByItself() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (replicaOffsetLag() != 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("replica never synced");
            Thread.sleep(100);
        }
        try (RedisClusterState member = RedisClusterState.connect(URI, clusterId, Duration.ofSeconds(30))) {
            String aor = "sip:1002@sipfleet.local";
            RegisterRequest reg = new RegisterRequest("call-1", 1, false, List.of(ContactUpdate.of("sip:1002@10.0.0.7:5060", 600)),
                    Flow.udp("203.0.113.7", 40123, "127.0.0.2", 5060), null, "switch-a", null, 0, System.currentTimeMillis());
            assertThat(get(member.state().location().register(aor, reg)).isOk()).isTrue();
            assertThat(get(member.state().cps().tryAcquire("cluster", 1))).isTrue();
            // let the replica have the write before the master dies
            RedisClient c = RedisClient.create("redis://127.0.0.1:" + MASTER);
            try (StatefulRedisConnection<String, String> conn = c.connect()) {
                conn.sync().waitForReplication(1, 2000);
            } finally {
                c.shutdown();
            }

            master.destroyForcibly(); // SIGKILL
            master.waitFor(5, TimeUnit.SECONDS);
            long killed = System.nanoTime();
            boolean back = false;
            deadline = killed + TimeUnit.SECONDS.toNanos(30);
            while (!back && System.nanoTime() < deadline) {
                try {
                    back = get(member.state().cps().tryAcquire("after", 1000));
                } catch (RuntimeException e) {
                    Thread.sleep(200);
                }
            }
            System.out.printf("sentinel: writes accepted again %.1f s after kill -9 of the master%n",
                    (System.nanoTime() - killed) / 1e9);
            assertThat(back).as("member writes to the promoted replica").isTrue();
            assertThat(get(member.state().location().lookup(aor))).as("registration survived the failover").hasSize(1);
        }
    }
}
