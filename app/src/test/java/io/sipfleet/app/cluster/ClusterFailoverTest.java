package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capacity failover inside a cluster (real Redis, real SIPp): each member may carry at most 4
 * calls of its own (memberChannelLimit), the cluster 10 in total (channelLimit). A call over
 * the member's own cap but within the cluster's goes to a member with room, by 302 (redirect) or
 * by forwarding it there (forward); over the cluster's limit nobody takes it: 503.
 */
class ClusterFailoverTest {
    static final String A = "127.0.5.11", B = "127.0.5.12", C = "127.0.5.13";
    static final String GATEWAY_IN = "127.0.5.120", GATEWAY_OUT = "127.0.5.121";

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

    private void startCluster(String mode) {
        for (String ip : new String[] {A, B, C}) {
            ClusterMember.Config c = new ClusterMember.Config(ip, cluster).members(A, B, C)
                    .route("in", "99", "sip:" + GATEWAY_IN + ":5099")   // makes GATEWAY_IN trusted
                    .route("out", "", "sip:" + GATEWAY_OUT + ":5080");
            c.channelLimit = 10;
            c.memberChannelLimit = 4;
            c.capacityFailoverMode = mode;
            c.leaseTtl = Duration.ofSeconds(30);
            c.keepAliveDisabled = true;
            members.add(ClusterMember.start(c));
        }
    }

    @Test void overItsOwnCapAMemberRedirectsToAMemberWithRoom() {
        startCluster("redirect");
        ClusterMember a = members.get(0);
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(60)
                .start(dir, "gateway-out").awaitBound();
             Sipp.Running held = longCalls(a, 0, 4, 8_000)) {
            awaitOwn(a, 4);
            Sipp.Result over = longCalls(a, 1, 2, 1_000).await();
            over.assertClean(2);
            assertThat(over.count("302", "Recv")).as("302 to B or C (checked by the scenario)\n%s", over.diagnostics())
                    .isEqualTo(2);
            assertThat(a.channelsInUse()).as("cluster channels: A's 4 only").isEqualTo(4);
            assertThat(TestSwitch.metricIn(a.scrape(), "sipfleet_calls_total", "result=\"failover_redirected\"")).isEqualTo(2);
            held.await().assertClean(4);
        }
    }

    @Test void forwardModeHandsCallsToMembersWithRoomUntilTheClusterIsFull() {
        startCluster("forward");
        ClusterMember a = members.get(0), b = members.get(1), c = members.get(2);
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(60)
                .start(dir, "gateway-out").awaitBound()) {
            // 12 long calls, all offered to A: 4 stay on A, 6 go to B and C, the last 2 find the cluster full
            Sipp.Running offered = longCalls(a, 0, 12, 6_000);
            awaitChannels(a, 10, Duration.ofSeconds(10));
            Sipp.Result r = offered.await();
            r.assertClean(12);
            assertThat(r.count("BYE", "Sent")).as("calls up\n%s", r.diagnostics()).isEqualTo(10);
            assertThat(r.count("503", "Recv")).as("refused: the cluster is at 10").isEqualTo(2);
            assertThat(r.count("302", "Recv")).isZero();
            String metrics = a.scrape();
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_calls_total", "result=\"failover_forwarded\""))
                    .as("forwarded by A\n%s", metrics).isEqualTo(6);
            awaitChannels(a, 0, Duration.ofSeconds(10));
            assertThat(a.node.calls().ownChannels()).isZero();
            assertThat(b.node.calls().ownChannels() + c.node.calls().ownChannels()).isZero();
        }
    }

    /** {@code n} calls through {@code m} from gateway port 5061+k, each held {@code holdMs}. */
    private Sipp.Running longCalls(ClusterMember m, int k, int n, int holdMs) {
        return Sipp.scenario("uac-member-failover").local(GATEWAY_IN, 5061 + k).remote(m.ip, ClusterMember.PORT)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").arg("-d", Integer.toString(holdMs))
                .calls(n).rate(20, 1000).timeout(holdMs / 1000 + 20).start(dir, "calls-" + k);
    }

    private static void awaitOwn(ClusterMember m, int n) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (m.node.calls().ownChannels() != n && System.nanoTime() < deadline) Sipp.sleep(20);
        assertThat(m.node.calls().ownChannels()).as("own channels of %s", m.serverId()).isEqualTo(n);
    }

    private static void awaitChannels(ClusterMember m, int n, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (m.channelsInUse() != n && System.nanoTime() < deadline) Sipp.sleep(20);
        assertThat(m.channelsInUse()).as("cluster channels").isEqualTo(n);
    }
}
