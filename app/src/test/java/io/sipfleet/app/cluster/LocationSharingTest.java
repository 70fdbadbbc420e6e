package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.cluster.ClusterState;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.SwitchConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "UAC location array sharing" between two un-clustered switches, each with its own in-memory
 * state (no Redis): with sharing on, a user registered on A is seen by B within a second (B
 * pulls A's changes, a long poll answered at the change or after a second) and a call through B reaches the user through A, the only
 * switch holding the user's flow, which alone pings it. With sharing off, B answers 404.
 */
class LocationSharingTest {
    static final String A = "127.0.5.31", B = "127.0.5.32";
    static final String CALLER = "127.0.5.140", CALLEE = "127.0.5.141";
    static final int FEED_PORT = 19090;
    static final String AOR = "sip:1002@sipfleet.local";

    @TempDir Path dir;
    final List<SwitchNode> nodes = new ArrayList<>();

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stop() {
        for (SwitchNode n : nodes) n.close();
    }

    /** An un-clustered switch on {@code ip} whose only sharing peer is {@code peer}. */
    private SwitchNode start(String ip, String peer, boolean sharing) throws Exception {
        ClusterMember.Config c = new ClusterMember.Config(ip, "unused");
        String json = c.json()
                .replace("\"clusterId\": \"unused\"", "\"clusterId\": null")
                .replace("\"storeUri\": \"" + c.storeUri + "\"", "\"storeUri\": null")
                .replace("\"locationSharingPeers\": []", "\"locationSharingPeers\": [\"" + ClusterMember.serverId(peer)
                        + "=sip:" + peer + ":5060;feed=" + FEED_PORT + "\"], \"locationSharing\": " + sharing)
                .replace("\"metricsPort\": 0", "\"metricsPort\": " + FEED_PORT);
        SwitchNode node = SwitchNode.start(SwitchConfig.parse(json), ClusterState.inMemory(Clock.systemUTC()), Clock.systemUTC());
        nodes.add(node);
        return node;
    }

    private void register(String to) {
        Sipp.scenario("register").local(CALLEE, 5070).remote(to, 5060).calls(1).timeout(10)
                .arg("-auth_uri", ClusterMember.REALM)
                .injection("SEQUENTIAL", ClusterMember.credentials("1002") + ";" + CALLEE + ":5070")
                .run(dir, "register").assertClean(1);
    }

    @Test void withSharingOnACallThroughBReachesAUserRegisteredOnAWithinASecond() throws Exception {
        SwitchNode a = start(A, B, true), b = start(B, A, true);
        register(A);
        long registered = System.nanoTime();
        while (b.peerLocations().holders(AOR).isEmpty() && System.nanoTime() - registered < 3_000_000_000L) Sipp.sleep(10);
        double seenAfter = (System.nanoTime() - registered) / 1e9;
        System.out.printf("location sharing: B saw A's registration %.3f s after the 200 OK%n", seenAfter);
        assertThat(b.peerLocations().holders(AOR)).as("B knows A holds %s", AOR).containsExactly(ClusterMember.serverId(A));
        assertThat(seenAfter).as("seconds until B saw it").isLessThanOrEqualTo(1.0);

        try (Sipp.Running uas = Sipp.scenario("uas-answer").local(CALLEE, 5070).key("user", "1002").calls(2)
                .timeout(20).start(dir, "callee").awaitBound()) {
            Sipp.scenario("uac-call").local(CALLER, 5060).remote(B, 5060)
                    .injection("SEQUENTIAL", ClusterMember.credentials("1001"))
                    .arg("-auth_uri", "1002@sipfleet.local").arg("-s", "1002").timeout(20)
                    .calls(2).rate(10, 1000).run(dir, "caller").assertClean(2);
            uas.await().assertClean(2);
        }
        // only A, the switch the phone registered through, pings it; B only knows where it is
        assertThat(a.keepAlive().stats().tracked()).isEqualTo(1);
        assertThat(b.keepAlive().stats().tracked()).isZero();
        assertThat(b.state().location().count().toCompletableFuture().join()).as("B stores no copy").isZero();

        // changes only: idle pulls carry nothing; an unregister travels as one change
        long applied = b.peerLocations().changesApplied();
        Sipp.sleep(2_100);
        assertThat(b.peerLocations().changesApplied()).as("changes pulled while nothing changed").isEqualTo(applied);
        assertThat(b.peerLocations().pulls()).isGreaterThanOrEqualTo(3);
        a.state().location().remove(AOR, a.state().location().lookup(AOR).toCompletableFuture().join().get(0).contact())
                .toCompletableFuture().join();
        long removed = System.nanoTime();
        while (!b.peerLocations().holders(AOR).isEmpty() && System.nanoTime() - removed < 3_000_000_000L) Sipp.sleep(10);
        assertThat(b.peerLocations().holders(AOR)).as("B forgot the removed binding").isEmpty();
        assertThat(b.peerLocations().changesApplied()).isEqualTo(applied + 1);
    }

    @Test void withSharingOffBAnswers404() throws Exception {
        start(A, B, false);
        SwitchNode b = start(B, A, false);
        register(A);
        Sipp.sleep(1_500); // more than a pull period: sharing off, nothing would arrive anyway
        assertThat(b.peerLocations().holders(AOR)).isEmpty();
        Sipp.scenario("uac-not-found").local(CALLER, 5060).remote(B, 5060)
                .injection("SEQUENTIAL", ClusterMember.credentials("1001"))
                .arg("-auth_uri", "1002@sipfleet.local").arg("-s", "1002").timeout(20)
                .calls(1).run(dir, "caller").assertClean(1);
    }
}
