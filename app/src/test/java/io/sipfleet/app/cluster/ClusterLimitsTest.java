package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's CPS and channel limits with three members on one Redis (real SIPp): the limits
 * hold for the cluster in total, not per member, and a member that dies without releasing its
 * channels has them freed by lease expiry.
 *
 * <p>Carrier gateways call in (one per member, on one trusted address so there is no 407 round);
 * one gateway answers every call the cluster lets through.
 */
class ClusterLimitsTest {
    static final String A = "127.0.5.1", B = "127.0.5.2", C = "127.0.5.3";
    static final String GATEWAY_IN = "127.0.5.110", GATEWAY_OUT = "127.0.5.111";

    final String cluster = ClusterMember.randomClusterId();
    @TempDir Path dir;
    final List<ClusterMember> members = new ArrayList<>();

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
        assumeTrue(ClusterMember.redisUp("127.0.0.1", 6379), "no Redis at 127.0.0.1:6379");
    }

    @AfterEach void stop() {
        for (ClusterMember m : members) m.close();
        ClusterMember.purge(cluster);
    }

    private void startCluster(int cps, int channels, Duration leaseTtl) {
        for (String ip : new String[] {A, B, C}) {
            ClusterMember.Config c = new ClusterMember.Config(ip, cluster).members(A, B, C)
                    .route("in", "99", "sip:" + GATEWAY_IN + ":5099")   // makes GATEWAY_IN trusted
                    .route("out", "", "sip:" + GATEWAY_OUT + ":5080");
            c.cpsLimit = cps;
            c.channelLimit = channels;
            c.leaseTtl = leaseTtl;
            c.keepAliveDisabled = true;
            members.add(ClusterMember.start(c));
        }
    }

    /**
     * L = 30 on the cluster; each member offered 20 calls/s for SECONDS s (60/s in total): the
     * cluster admits 30/s ± 2 % in total, the rest get 503 "Server at max CPS".
     */
    @Test void theClusterAdmitsItsCpsLimitInTotalNotPerMember() {
        int limit = 30, rate = 20, seconds = Integer.getInteger("cluster.cps.seconds", 20);
        startCluster(limit, 0, Duration.ofSeconds(90));
        int calls = rate * seconds;
        List<Sipp.Running> uacs = new ArrayList<>();
        List<Sipp.Result> results = new ArrayList<>();
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(seconds + 40)
                .start(dir, "gateway-out").awaitBound()) {
            for (int m = 0; m < 3; m++) {
                uacs.add(Sipp.scenario("uac-cps").local(GATEWAY_IN, 5061 + m).remote(members.get(m).ip, ClusterMember.PORT)
                        .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                        .calls(calls).rate(rate, 1000).timeout(seconds + 25).start(dir, "gateway-in-" + m));
            }
            for (Sipp.Running u : uacs) results.add(u.await());
            gateway.stop();
        } finally {
            uacs.forEach(Sipp.Running::close);
        }
        long admitted = 0, refused = 0;
        for (Sipp.Result r : results) {
            r.assertClean(calls);
            long a = r.count("BYE", "Sent"), x = r.count("503", "Recv");
            System.out.printf("cps: member admitted %d, refused %d of %d%n", a, x, calls);
            assertThat(a + x).as("every call answered or refused\n%s", r.diagnostics()).isEqualTo(calls);
            admitted += a;
            refused += x;
        }
        long expected = (long) limit * seconds;
        System.out.printf("cps: cluster admitted %d in %d s (limit %d/s: %d expected), refused %d%n",
                admitted, seconds, limit, expected, refused);
        assertThat((double) admitted).as("admitted in total (limit %d/s for %d s)", limit, seconds)
                .isBetween(expected * 0.98, expected * 1.02);
        for (ClusterMember m : members) assertThat(m.node.calls().active()).isZero();
        assertThat(members.get(0).channelsInUse()).isZero();
    }

    /**
     * Channel limit 10 on the cluster, 15 long calls over the three members: 10 up, 5 refused.
     * Member C (holding 4) then crashes without releasing: the count falls back to the survivors'
     * 6 within 2 x TTL (TTL 3 s, refreshed every 1 s), and new calls are admitted up to 10 again.
     */
    @Test void channelsAreCountedClusterWideAndADeadMembersChannelsExpire() {
        Duration ttl = Duration.ofSeconds(3);
        startCluster(0, 10, ttl);
        ClusterMember a = members.get(0), b = members.get(1), c = members.get(2);
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(60)
                .start(dir, "gateway-out").awaitBound();
             Sipp.Running onC = longCalls(c, 0, 4, 30_000);
             Sipp.Running onA = longCalls(a, 1, 6, 25_000)) {
            awaitChannels(a, 10, Duration.ofSeconds(5));
            Sipp.Result onB = longCalls(b, 2, 5, 1_000).await();
            assertThat(onB.count("503", "Recv")).as("refused at B: the cluster is full\n%s", onB.diagnostics()).isEqualTo(5);
            assertThat(a.channelsInUse()).as("cluster channels: 4 on C + 6 on A").isEqualTo(10);
            assertThat(c.node.calls().active()).isEqualTo(4);
            assertThat(a.node.calls().active()).isEqualTo(6);

            long crashedAt = System.nanoTime();
            c.crash();
            long deadline = crashedAt + 2 * ttl.toNanos();
            while (a.channelsInUse() != 6 && System.nanoTime() < deadline) Sipp.sleep(50);
            double took = (System.nanoTime() - crashedAt) / 1e9;
            System.out.printf("channels: C's 4 channels freed %.2f s after it died (TTL %d s)%n", took, ttl.toSeconds());
            assertThat(a.channelsInUse()).as("cluster channels %.2f s after C died", took).isEqualTo(6);
            assertThat(b.channelsInUse()).isEqualTo(6);

            // room for 4 again: 5 new calls through B, 4 go up, 1 is refused
            Sipp.Result again = longCalls(b, 3, 5, 2_000).await();
            assertThat(again.count("BYE", "Sent")).as("admitted after the recovery\n%s", again.diagnostics()).isEqualTo(4);
            assertThat(again.count("503", "Recv")).isEqualTo(1);
            assertThat(a.node.calls().active()).as("A's calls survived").isEqualTo(6);
            onA.await().assertClean(6);
            awaitChannels(a, 0, Duration.ofSeconds(5));
        }
    }

    /** {@code n} calls through {@code m} from gateway port 5061+k, each held {@code holdMs}. */
    private Sipp.Running longCalls(ClusterMember m, int k, int n, int holdMs) {
        return Sipp.scenario("uac-channels-hold").local(GATEWAY_IN, 5061 + k).remote(m.ip, ClusterMember.PORT)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").arg("-d", Integer.toString(holdMs))
                .calls(n).rate(100, 1000).timeout(holdMs / 1000 + 20).start(dir, "calls-" + k);
    }

    private static void awaitChannels(ClusterMember m, int n, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (m.channelsInUse() != n && System.nanoTime() < deadline) Sipp.sleep(20);
        assertThat(m.channelsInUse()).as("cluster channels").isEqualTo(n);
    }
}
