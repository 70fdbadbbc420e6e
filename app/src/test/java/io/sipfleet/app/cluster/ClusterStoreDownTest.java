package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members whose Redis goes away (a throwaway redis-server on port 6391, killed and started again,
 * empty, by the test; never the machine's shared Redis).
 * <ul>
 *   <li>storeFailMode closed: no crash; a new INVITE gets 503 "Limits Unavailable" with
 *       Retry-After (the cluster's limits cannot be checked, and admitting blindly would let each
 *       member take the whole limit); a REGISTER gets 500 with Retry-After (the binding could not
 *       be stored; the UA retries); the failures are counted in /metrics. Once Redis is back (empty) the
 *       client reconnects by itself, the member writes back the registration it owns, and it
 *       registers and admits calls again.</li>
 *   <li>storeFailMode open: for 10 s under load each of two members admits on its own share of the
 *       limits (half the cluster's CPS), /metrics shows the store down and the calls admitted
 *       locally; once Redis is back (empty) the calls still up are counted in it again and the
 *       cluster's CPS limit is exact again.</li>
 * </ul>
 */
class ClusterStoreDownTest {
    static final String MEMBER = "127.0.5.4", OTHER = "127.0.5.5", PHONE = "127.0.5.114";
    static final String GATEWAY_IN = "127.0.5.112", GATEWAY_OUT = "127.0.5.113";
    static final int REDIS_PORT = 6391;

    final String cluster = ClusterMember.randomClusterId();
    @TempDir Path dir;
    Process redis;
    ClusterMember member;
    ClusterMember other;

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
        assumeTrue(redisServer() != null, "redis-server is not on the PATH");
        assumeTrue(!ClusterMember.redisUp("127.0.0.1", REDIS_PORT), "port " + REDIS_PORT + " is taken");
    }

    @AfterEach void stop() {
        if (member != null) member.close();
        if (other != null) other.close();
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
            // 10 s of calls at 5/s while the store is down: every one refused, none admitted blindly
            Sipp.Result down = Sipp.scenario("uac-limits-down").local(GATEWAY_IN, 5060).remote(MEMBER, ClusterMember.PORT)
                    .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").calls(50).rate(5, 1000).timeout(30)
                    .run(dir, "calls-down").assertClean(50);
            assertThat(down.count("503", "Recv")).as("503 Limits Unavailable\n%s", down.diagnostics()).isEqualTo(50);
            register("register-store-down", "register-down");
            // a call to a subscriber: its bindings cannot be read, so "try later", not "not found"
            String answer = inviteUser("1002");
            assertThat(answer).startsWith("SIP/2.0 480 ").contains("Retry-After: 5");
            String metrics = member.scrape();
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_store_connected")).as("store gauge\n%s", metrics).isZero();
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_store_disconnects_total")).isEqualTo(1);
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"limits_unavailable\"")).isEqualTo(50);
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_registrations_total", "result=\"store_error\""))
                    .as("registrations refused for the store\n%s", metrics).isGreaterThanOrEqualTo(1);
            assertThat(member.node.calls().active()).isZero();

            startRedis();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!member.redis.isConnected() && System.nanoTime() < deadline) Sipp.sleep(50);
            assertThat(member.redis.isConnected()).as("reconnected by itself").isTrue();
            // Redis came back empty: the member writes back the binding it owns (it tracks it for
            // keep-alive), so the phone is reachable again without waiting for its next REGISTER
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (member.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join().isEmpty()
                    && System.nanoTime() < deadline) Sipp.sleep(50);
            var restored = member.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join();
            assertThat(restored).as("registration restored into the empty store").hasSize(1);
            assertThat(restored.get(0).flow().sourceIp()).isEqualTo(PHONE);
            register("register", "register-again");
            assertThat(member.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join())
                    .hasSize(1);
            Sipp.Result after = calls("uac-channels", 2, "calls-after");
            assertThat(after.count("BYE", "Sent")).as("admitted again\n%s", after.diagnostics()).isEqualTo(2);
            assertThat(TestSwitch.metricIn(member.scrape(), "sipfleet_store_connected")).isEqualTo(1);
            gateway.stop();
        }
        assertThat(member.channelsInUse()).isZero();
    }

    /** An INVITE from the trusted gateway to {@code user}@sipfleet.local; the first final response's text. */
    private String inviteUser(String user) throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new java.net.InetSocketAddress(GATEWAY_IN, 0))) {
            s.setSoTimeout(5_000);
            String callId = "down-" + System.nanoTime();
            String invite = "INVITE sip:" + user + "@sipfleet.local SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP " + GATEWAY_IN + ":" + s.getLocalPort() + ";branch=z9hG4bK" + callId + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:441632960001@sipfleet.local>;tag=" + callId + "\r\n"
                    + "To: <sip:" + user + "@sipfleet.local>\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                    + "Contact: <sip:441632960001@" + GATEWAY_IN + ":" + s.getLocalPort() + ">\r\nContent-Length: 0\r\n\r\n";
            byte[] out = invite.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            s.send(new java.net.DatagramPacket(out, out.length, new java.net.InetSocketAddress(MEMBER, ClusterMember.PORT)));
            byte[] buf = new byte[8192];
            while (true) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                s.receive(p);
                String text = new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.UTF_8);
                if (!text.startsWith("SIP/2.0 1")) return text;
            }
        }
    }

    private ClusterMember openMember(String ip) {
        ClusterMember.Config c = new ClusterMember.Config(ip, cluster).members(MEMBER, OTHER)
                .route("in", "99", "sip:" + GATEWAY_IN + ":5099").route("out", "", "sip:" + GATEWAY_OUT + ":5080");
        c.storeUri = "redis://127.0.0.1:" + REDIS_PORT;
        c.cpsLimit = 20;
        c.channelLimit = 12;    // a share of 6: room for the short calls around the long ones
        c.storeFailMode = "open";
        c.leaseTtl = java.time.Duration.ofSeconds(3);
        c.keepAliveDisabled = true;
        return ClusterMember.start(c);
    }

    private Sipp.Running offered(String scenario, String to, int port, int calls, int rate, int holdMs, String label) {
        return Sipp.scenario(scenario).local(GATEWAY_IN, port).remote(to, ClusterMember.PORT)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").arg("-d", Integer.toString(holdMs))
                .calls(calls).rate(rate, 1000).timeout(calls / rate + holdMs / 1000 + 25).start(dir, label);
    }

    private static void awaitConnected(ClusterMember m, boolean connected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (m.redis.isConnected() != connected && System.nanoTime() < deadline) Sipp.sleep(20);
        assertThat(m.redis.isConnected()).as("%s connected", m.serverId()).isEqualTo(connected);
    }

    @Test void failOpenAdmitsOnEachMembersShareWhileRedisIsDownAndIsExactAgainAfter() throws IOException {
        startRedis();
        member = openMember(MEMBER);
        other = openMember(OTHER);
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(120)
                .start(dir, "gateway-out").awaitBound();
             Sipp.Running longOnA = offered("uac-channels-hold", MEMBER, 5061, 2, 10, 30_000, "long-a")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (member.channelsInUse() != 2 && System.nanoTime() < deadline) Sipp.sleep(20);
            assertThat(member.channelsInUse()).as("cluster channels before").isEqualTo(2);

            stopRedis();
            awaitConnected(member, false);
            awaitConnected(other, false);
            long downAt = System.nanoTime();
            // 10 s of load on both members, 15 calls/s each, while the store is down; one long call on B
            Sipp.Running longOnB = offered("uac-channels-hold", OTHER, 5062, 1, 10, 22_000, "long-b");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (other.node.calls().active() != 1 && System.nanoTime() < deadline) Sipp.sleep(10);
            Sipp.Running cpsA = offered("uac-cps", MEMBER, 5063, 150, 15, 0, "cps-down-a");
            Sipp.Running cpsB = offered("uac-cps", OTHER, 5064, 150, 15, 0, "cps-down-b");
            Sipp.Result ra = cpsA.await(), rb = cpsB.await();
            for (Sipp.Result r : List.of(ra, rb)) {
                r.assertClean(150);
                long admitted = r.count("BYE", "Sent"), refused = r.count("503", "Recv");
                System.out.printf("store down (open): member admitted %d, refused %d of 150 (share 10/s)%n", admitted, refused);
                assertThat(admitted + refused).isEqualTo(150);
                // its share, 10/s of the cluster's 20, for the ~10 s of the run
                assertThat(admitted).as("admitted on the member's share\n%s", r.diagnostics()).isBetween(90L, 112L);
            }
            for (ClusterMember m : List.of(member, other)) {
                String metrics = m.scrape();
                assertThat(TestSwitch.metricIn(metrics, "sipfleet_store_connected")).as("gauge\n%s", metrics).isZero();
                assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_admitted_locally_total")).isGreaterThanOrEqualTo(90);
                double unavailable = TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"limits_unavailable\"");
                assertThat(Double.isNaN(unavailable) || unavailable == 0).as("no call refused for the store").isTrue();
            }
            assertThat(other.node.calls().active()).as("B's long call up").isEqualTo(1);
            assertThat(other.node.calls().localChannels()).as("B's long call held locally").isEqualTo(1);
            long sleepLeft = TimeUnit.SECONDS.toMillis(10) - (System.nanoTime() - downAt) / 1_000_000;
            if (sleepLeft > 0) Sipp.sleep(sleepLeft);

            startRedis(); // empty: every lease of the calls still up is gone from it
            awaitConnected(member, true);
            awaitConnected(other, true);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (member.channelsInUse() != 3 && System.nanoTime() < deadline) Sipp.sleep(20);
            assertThat(member.channelsInUse()).as("cluster channels once Redis is back: A's 2 + B's 1").isEqualTo(3);
            assertThat(other.node.calls().localChannels()).isZero();

            // the cluster's CPS limit is exact again: 20/s in total over both members, 5 s of 20/s each
            Sipp.Running afterA = offered("uac-cps", MEMBER, 5065, 100, 20, 0, "cps-after-a");
            Sipp.Running afterB = offered("uac-cps", OTHER, 5066, 100, 20, 0, "cps-after-b");
            Sipp.Result aa = afterA.await(), ab = afterB.await();
            aa.assertClean(100);
            ab.assertClean(100);
            long admitted = aa.count("BYE", "Sent") + ab.count("BYE", "Sent");
            System.out.printf("store back: cluster admitted %d of 200 in 5 s (limit 20/s)%n", admitted);
            assertThat(admitted).as("cluster admissions after recovery").isBetween(96L, 104L);
            longOnB.await().assertClean(1);
            longOnA.await().assertClean(2);
            gateway.stop();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (member.channelsInUse() != 0 && System.nanoTime() < deadline) Sipp.sleep(20);
        assertThat(member.channelsInUse()).isZero();
    }
}
