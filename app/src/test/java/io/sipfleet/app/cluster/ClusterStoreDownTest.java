package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose Redis goes away (a throwaway redis-server on port 6390, stopped and started
 * again by the test). The fail mode is closed: no crash; a new INVITE gets 503 "Limits
 * Unavailable" with Retry-After (the cluster's limits cannot be checked, and admitting blindly
 * would let each member take the whole limit); a REGISTER gets 500 with Retry-After (the binding
 * could not be stored; the UA retries); the failures are counted in /metrics. Once Redis is back
 * the client reconnects by itself and the member registers and admits calls again. What Redis
 * lost (a store restarted empty) comes back with the UAs' next REGISTER refresh.
 */
class ClusterStoreDownTest {
    static final String MEMBER = "127.0.0.83", PHONE = "127.0.0.194";
    static final String GATEWAY_IN = "127.0.0.192", GATEWAY_OUT = "127.0.0.193";
    static final int REDIS_PORT = 6390;

    final String cluster = ClusterMember.randomClusterId();
    @TempDir Path dir;
    Process redis;
    ClusterMember member;

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
        assumeTrue(redisServer() != null, "redis-server is not on the PATH");
        assumeTrue(!ClusterMember.redisUp("127.0.0.1", REDIS_PORT), "port " + REDIS_PORT + " is taken");
    }

    @AfterEach void stop() {
        if (member != null) member.close();
        stopRedis();
    }

    static Path redisServer() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "redis-server");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private void startRedis() throws IOException {
        redis = new ProcessBuilder(redisServer().toString(), "--port", Integer.toString(REDIS_PORT), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + System.nanoTime() + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ClusterMember.redisUp("127.0.0.1", REDIS_PORT)) {
            if (!redis.isAlive() || System.nanoTime() > deadline) throw new AssertionError("redis-server did not start");
            Sipp.sleep(20);
        }
    }

    private void stopRedis() {
        if (redis == null) return;
        redis.destroyForcibly(); // SIGKILL: the store dies, it does not shut down politely
        try {
            redis.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redis = null;
    }

    private void register(String scenario, String label) {
        Sipp.scenario(scenario).local(PHONE, 5070).remote(MEMBER, ClusterMember.PORT).calls(1).timeout(10)
                .arg("-auth_uri", ClusterMember.REALM)
                .injection("SEQUENTIAL", ClusterMember.credentials("1002") + ";" + PHONE + ":5070")
                .run(dir, label).assertClean(1);
    }

    private Sipp.Result calls(String scenario, int n, String label) {
        return Sipp.scenario(scenario).local(GATEWAY_IN, 5060).remote(MEMBER, ClusterMember.PORT)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").calls(n).rate(10, 1000).timeout(20)
                .run(dir, label).assertClean(n);
    }

    @Test void withRedisDownCallsGet503RegistersGet500AndAllWorksAgainWhenItIsBack() throws IOException {
        startRedis();
        ClusterMember.Config c = new ClusterMember.Config(MEMBER, cluster)
                .route("in", "99", "sip:" + GATEWAY_IN + ":5099").route("out", "", "sip:" + GATEWAY_OUT + ":5080");
        c.storeUri = "redis://127.0.0.1:" + REDIS_PORT;
        c.cpsLimit = 100;
        c.channelLimit = 10;
        c.keepAliveDisabled = true;
        member = ClusterMember.start(c);
        register("register", "register-up");

        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(90)
                .start(dir, "gateway-out").awaitBound()) {
            Sipp.Result before = calls("uac-channels", 2, "calls-before");
            assertThat(before.count("BYE", "Sent")).isEqualTo(2);

            stopRedis();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (member.redis.isConnected() && System.nanoTime() < deadline) Sipp.sleep(20);
            Sipp.Result down = calls("uac-limits-down", 3, "calls-down");
            assertThat(down.count("503", "Recv")).as("503 Limits Unavailable\n%s", down.diagnostics()).isEqualTo(3);
            register("register-store-down", "register-down");
            String metrics = member.scrape();
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"limits_unavailable\"")).isEqualTo(3);
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_registrations_total", "result=\"store_error\""))
                    .as("registrations refused for the store\n%s", metrics).isGreaterThanOrEqualTo(1);
            assertThat(member.node.calls().active()).isZero();

            startRedis();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!member.redis.isConnected() && System.nanoTime() < deadline) Sipp.sleep(50);
            assertThat(member.redis.isConnected()).as("reconnected by itself").isTrue();
            register("register", "register-again");
            assertThat(member.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join())
                    .hasSize(1);
            Sipp.Result after = calls("uac-channels", 2, "calls-after");
            assertThat(after.count("BYE", "Sent")).as("admitted again\n%s", after.diagnostics()).isEqualTo(2);
            gateway.stop();
        }
        assertThat(member.channelsInUse()).isZero();
    }
}
