package io.sipfleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sipfleet.cluster.location.Binding;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster state on a real Redis Cluster: three masters started by the test
 * ({@code redis-server --cluster-enabled yes} on ports 6395-6397, nothing on disk but their
 * nodes files, joined with {@code redis-cli --cluster create}), two members connected through
 * {@code redis-cluster://} seeds. A registration through one is seen by the other, the CPS and
 * channel limits hold across both, and every key of the cluster id lives on the one master that
 * serves its hash tag's slot.
 */
class RedisClusterModeTest {
    static final int[] PORTS = {6395, 6396, 6397};
    static final String SEEDS = "redis-cluster://127.0.0.1:6395,127.0.0.1:6396";
    static final List<Process> servers = new ArrayList<>();
    @TempDir static Path dir;

    final String clusterId = "t5-rc-" + UUID.randomUUID().toString().substring(0, 8);

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

    @BeforeAll static void startRedisCluster() throws Exception {
        assumeTrue(onPath("redis-server") && onPath("redis-cli"), "redis-server / redis-cli not on the PATH");
        for (int p : PORTS) assumeTrue(!listening(p), "port " + p + " is taken");
        for (int p : PORTS) {
            Path d = Files.createDirectories(dir.resolve("node-" + p));
            servers.add(new ProcessBuilder("redis-server", "--port", Integer.toString(p), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", d.resolve("nodes.conf").toString(),
                    "--dir", d.toString(), "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(d.resolve("redis.log").toFile()).start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int p : PORTS) {
            while (!listening(p)) {
                if (System.nanoTime() > deadline) throw new AssertionError("redis-server on " + p + " did not start");
                Thread.sleep(20);
            }
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int p : PORTS) create.add("127.0.0.1:" + p);
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process cli = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(dir.resolve("create.log").toFile()).start();
        assertThat(cli.waitFor(30, TimeUnit.SECONDS)).as("redis-cli --cluster create").isTrue();
        assertThat(cli.exitValue()).as(Files.readString(dir.resolve("create.log"))).isZero();
        // every master must agree the cluster is ok before clients connect
        for (int p : PORTS) {
            RedisClient c = RedisClient.create("redis://127.0.0.1:" + p);
            try (StatefulRedisConnection<String, String> conn = c.connect()) {
                while (!conn.sync().clusterInfo().contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline + TimeUnit.SECONDS.toNanos(20)) throw new AssertionError("cluster not ok");
                    Thread.sleep(50);
                }
            } finally {
                c.shutdown();
            }
        }
    }

    @AfterAll static void stopRedisCluster() throws InterruptedException {
        for (Process p : servers) p.destroyForcibly();
        for (Process p : servers) p.waitFor(5, TimeUnit.SECONDS);
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test void twoMembersShareLocationAndLimitsOnARedisCluster() throws Exception {
        try (RedisClusterState a = RedisClusterState.connect(SEEDS, clusterId, Duration.ofSeconds(30));
             RedisClusterState b = RedisClusterState.connect(SEEDS, clusterId, Duration.ofSeconds(30))) {
            assertThat(a.isConnected()).isTrue();
            String aor = "sip:1002@sipfleet.local";
            RegisterRequest reg = new RegisterRequest("call-1", 1, false, List.of(ContactUpdate.of("sip:1002@10.0.0.7:5060", 600)),
                    Flow.udp("203.0.113.7", 40123, "127.0.0.2", 5060), "PhoneX/1.0", "switch-a", null, 0, System.currentTimeMillis());
            assertThat(get(a.state().location().register(aor, reg)).isOk()).isTrue();
            List<Binding> seen = get(b.state().location().lookup(aor));
            assertThat(seen).singleElement().satisfies(bd -> {
                assertThat(bd.memberId()).isEqualTo("switch-a");
                assertThat(bd.flow().sourceIp()).isEqualTo("203.0.113.7");
            });
            List<Binding> owned = new ArrayList<>();
            get(b.state().location().forEachOwnedBy("switch-a", owned::add));
            assertThat(owned).hasSize(1);
            assertThat(get(a.state().location().count())).isEqualTo(1);

            int admitted = 0;
            for (int i = 0; i < 20; i++) {
                RedisClusterState m = i % 2 == 0 ? a : b;
                if (get(m.state().cps().tryAcquire("cluster", 5))) admitted++;
            }
            assertThat(admitted).as("CPS limit 5 over both members, 20 attempts within a second").isEqualTo(5);

            int channels = 0;
            for (int i = 0; i < 4; i++) {
                RedisClusterState m = i % 2 == 0 ? a : b;
                if (get(m.state().channels().tryAcquire("cluster", "call-" + i, 3))) channels++;
            }
            assertThat(channels).isEqualTo(3);
            assertThat(get(b.state().channels().count("cluster"))).isEqualTo(3);
            assertThat(get(a.state().channels().release("cluster", "call-0"))).isTrue();
            assertThat(get(b.state().channels().count("cluster"))).isEqualTo(2);
            get(a.state().sweep());

            // the hash tag: every key of this cluster id on exactly one master
            int withKeys = 0;
            for (int p : PORTS) {
                RedisClient c = RedisClient.create("redis://127.0.0.1:" + p);
                try (StatefulRedisConnection<String, String> conn = c.connect()) {
                    var keys = conn.sync().scan(ScanArgs.Builder.matches("sf:{" + clusterId + "}:*").limit(1000)).getKeys();
                    if (!keys.isEmpty()) withKeys++;
                } finally {
                    c.shutdown();
                }
            }
            assertThat(withKeys).as("masters holding keys of " + clusterId).isEqualTo(1);
        }
    }
}
