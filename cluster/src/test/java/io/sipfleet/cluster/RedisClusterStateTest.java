package io.sipfleet.cluster;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.RegisterRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisClusterState#connect}: the three stores over one connection, and what happens when
 * Redis is not there: connect fails at once, and once connected, stages fail fast while Redis is
 * down and work again after it is back (scripts re-sent to the new server).
 */
@Timeout(value = 25, unit = TimeUnit.SECONDS)
class RedisClusterStateTest {
    static final String AOR = "sip:alice@example.net";

    static <T> T get(CompletionStage<T> s) { return s.toCompletableFuture().join(); }

    static RegisterRequest register(String callId, long cseq, int expires) {
        return new RegisterRequest(callId, cseq, false, List.of(ContactUpdate.of("sip:a@192.0.2.1", expires)),
                Flow.udp("203.0.113.7", 5060, "10.0.0.1", 5060), null, "switch-a", null, 0, 0);
    }

    @Test
    void connectGivesTheThreeStoresOfOneClusterOnOneConnection() {
        RedisTestSupport.assumeRedis();
        String cluster = RedisTestSupport.newClusterId("state");
        try (RedisTestSupport redis = RedisTestSupport.open();
             RedisClusterState a = RedisClusterState.connect(RedisTestSupport.URI, cluster, Duration.ofSeconds(30));
             RedisClusterState b = RedisClusterState.connect(RedisTestSupport.URI, cluster)) {
            try {
                assertThat(a.isConnected()).isTrue();
                assertThat(a.keyPrefix()).isEqualTo("sf:{" + cluster + "}:");
                ClusterState sa = a.state(), sb = b.state();
                assertThat(get(sa.location().register(AOR, register("cid", 1, 60))).isOk()).isTrue();
                assertThat(get(sb.location().lookup(AOR))).hasSize(1);
                assertThat(get(sa.cps().tryAcquire("trunk", 1))).isTrue();
                assertThat(get(sb.cps().tryAcquire("trunk", 1))).isFalse();      // one limit for the cluster
                assertThat(get(sa.channels().tryAcquire("trunk", "call-1", 1))).isTrue();
                assertThat(get(sb.channels().tryAcquire("trunk", "call-2", 1))).isFalse();
                assertThat(get(sb.sweep())).isZero();                               // nothing expired
                assertThat(redis.keys(cluster)).hasSize(5);   // aor, exp, own, cps, ch
            } finally {
                redis.deleteCluster(cluster);
            }
        }
    }

    @Test
    void badClusterIdsAreRefusedBeforeConnecting() {
        for (String bad : new String[] {"", "eu{1}", "a b", "x}"}) {
            assertThatThrownBy(() -> RedisClusterState.connect("redis://127.0.0.1:1", bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void connectionRefusedFailsFastAtStart() throws IOException {
        int port = freePort();
        for (int attempt = 1; attempt <= 2; attempt++) {                        // the first one loads the client's classes
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> RedisClusterState.connect("redis://127.0.0.1:" + port, "eu-1"))
                    .isInstanceOf(RedisConnectionException.class);
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("connect to a closed port failed after %d ms (attempt %d)%n", tookMillis, attempt);
            // Refused is answered at once: well within the connect timeout, once the classes are loaded.
            assertThat(tookMillis).isLessThan(attempt == 1 ? 5_000 : RedisClusterState.CONNECT_TIMEOUT.toMillis());
        }
    }

    /**
     * Our own redis-server on a free port: killed while connected, every kind of call fails within
     * the command timeout (at once, in fact: commands are rejected while disconnected), and after
     * a restart the client reconnects by itself and the scripts, unknown to the new server, are
     * sent again.
     */
    @Test
    void whileRedisIsDownStagesFailFastAndWorkAgainWhenItIsBack() throws Exception {
        String server = redisServerBinary();
        Assumptions.assumeTrue(server != null, "no redis-server binary on PATH");
        int port = freePort();
        Path dir = Files.createTempDirectory("sipfleet-redis");
        Process redis = startRedis(server, port, dir);
        try (RedisClusterState state = connectWhenUp(port)) {
            ClusterState s = state.state();
            assertThat(get(s.location().register(AOR, register("cid", 1, 60))).isOk()).isTrue();

            // Frozen (SIGSTOP): the connection stays up and nothing answers: the command timeout ends each call.
            signal(redis, "STOP");
            long frozenMax = 0;
            try {
                for (var call : List.<Supplier<CompletionStage<?>>>of(() -> s.location().lookup(AOR),
                        () -> s.cps().tryAcquire("trunk", 10), () -> s.channels().tryAcquire("trunk", "call-1", 10))) {
                    long t0 = System.nanoTime();
                    CompletableFuture<?> f = call.get().toCompletableFuture();
                    assertThatThrownBy(() -> f.get(3, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                            .cause().isInstanceOf(RedisCommandTimeoutException.class);
                    frozenMax = Math.max(frozenMax, (System.nanoTime() - t0) / 1_000_000);
                }
            } finally {
                signal(redis, "CONT");
            }
            System.out.printf("Redis frozen: calls failed by timeout after at most %d ms%n", frozenMax);
            assertThat(frozenMax).isBetween(RedisClusterState.COMMAND_TIMEOUT.toMillis() - 50,
                    RedisClusterState.COMMAND_TIMEOUT.toMillis() + 500);
            await().atMost(Duration.ofSeconds(3)).ignoreExceptions().until(() -> get(s.location().lookup(AOR)).size() == 1);

            redis.destroyForcibly().waitFor(5, TimeUnit.SECONDS);              // crash
            await().atMost(Duration.ofSeconds(3)).until(() -> !state.isConnected());

            long downMax = 0;
            List<Supplier<CompletionStage<?>>> calls = List.of(
                    () -> s.location().lookup(AOR),
                    () -> s.location().register(AOR, register("cid", 2, 60)),
                    () -> s.location().count(),
                    () -> s.location().sweep(),
                    () -> s.location().forEachOwnedBy("switch-a", b -> {}),
                    () -> s.cps().tryAcquire("trunk", 10),
                    () -> s.channels().tryAcquire("trunk", "call-1", 10),
                    () -> s.channels().count("trunk"));
            for (var call : calls) {
                long t0 = System.nanoTime();
                CompletableFuture<?> f = call.get().toCompletableFuture();
                assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(RedisException.class);
                long tookMillis = (System.nanoTime() - t0) / 1_000_000;
                downMax = Math.max(downMax, tookMillis);
                assertThat(tookMillis).isLessThanOrEqualTo(RedisClusterState.COMMAND_TIMEOUT.toMillis() + 200);
            }
            System.out.printf("Redis down: %d kinds of call failed after at most %d ms%n", calls.size(), downMax);

            redis = startRedis(server, port, dir);                              // back, empty and without our scripts
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> get(s.cps().tryAcquire("trunk", 10)));
            System.out.printf("store back in service %d ms after redis-server restarted%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(get(s.location().register(AOR, register("cid", 3, 60))).added()).hasSize(1);
            assertThat(get(s.location().lookup(AOR))).hasSize(1);
            assertThat(get(s.channels().tryAcquire("trunk", "call-1", 10))).isTrue();
        } finally {
            redis.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void closedStateFailsItsStagesInsteadOfHanging() {
        RedisTestSupport.assumeRedis();
        RedisClusterState state = RedisClusterState.connect(RedisTestSupport.URI, RedisTestSupport.newClusterId("closed"));
        state.close();
        state.close();                                                          // idempotent
        CompletableFuture<?> f = state.state().location().lookup(AOR).toCompletableFuture();
        assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    /** kill -SIG on the redis-server this test started (and only that one). */
    private static void signal(Process p, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static RedisClusterState connectWhenUp(int port) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                return RedisClusterState.connect("redis://127.0.0.1:" + port, RedisTestSupport.newClusterId("failover"));
            } catch (RedisConnectionException e) {
                if (System.nanoTime() > deadline) throw e;
                sleep(50);
            }
        }
    }

    private static Process startRedis(String binary, int port, Path dir) throws IOException {
        Process p = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                new java.net.Socket("127.0.0.1", port).close();
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not listen on " + port);
    }

    private static String redisServerBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
