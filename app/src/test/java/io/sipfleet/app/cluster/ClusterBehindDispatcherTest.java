package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatcher in front of a cluster must not turn the cluster's limit into more: with the
 * cluster at its CPS limit every member answers 503, the dispatcher tries each once and then
 * answers 503 itself, so the cluster admits its limit in total however the calls are spread,
 * and no member is taken out for being full.
 */
class ClusterBehindDispatcherTest {
    static final String DISPATCHER = "127.0.6.30", A = "127.0.6.31", B = "127.0.6.32", C = "127.0.6.33";
    static final String CALLER = "127.0.6.34", GATEWAY_OUT = "127.0.6.35";

    final String cluster = ClusterMember.randomClusterId();
    @TempDir Path dir;
    final List<ClusterMember> members = new ArrayList<>();
    DispatcherNode dispatcher;

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
        assumeTrue(ClusterMember.redisUp("127.0.0.1", 6379), "no Redis at 127.0.0.1:6379");
    }

    @AfterEach void stop() {
        if (dispatcher != null) dispatcher.close();
        for (ClusterMember m : members) m.close();
        ClusterMember.purge(cluster);
    }

    @Test void theClusterCpsLimitHoldsThroughTheDispatcher() throws Exception {
        int limit = 10, rate = 30, seconds = 6;
        for (String ip : new String[] {A, B, C}) {
            ClusterMember.Config c = new ClusterMember.Config(ip, cluster).members(A, B, C)
                    .route("in", "99", "sip:" + DISPATCHER + ":5099") // trusts the dispatcher's address
                    .route("out", "", "sip:" + GATEWAY_OUT + ":5080");
            c.cpsLimit = limit;
            c.keepAliveDisabled = true;
            members.add(ClusterMember.start(c));
        }
        dispatcher = DispatcherNode.start(DispatcherConfig.parse("""
                {"version": 1, "serverId": "dispatcher-c", "listen": [{"address": "%s", "port": 5060}],
                 "destinations": [{"uri": "sip:%s:5060"}, {"uri": "sip:%s:5060"}, {"uri": "sip:%s:5060"}],
                 "algorithm": "round-robin", "probe": {"intervalSeconds": 1, "failuresToDown": 2, "successesToUp": 2},
                 "maxSourceRate": 1000, "metricsPort": 0}
                """.formatted(DISPATCHER, A, B, C)));
        int calls = rate * seconds;
        Sipp.Result r;
        try (Sipp.Running gateway = Sipp.scenario("uas-answer-any").local(GATEWAY_OUT, 5080).timeout(seconds + 40)
                .start(dir, "gateway-out").awaitBound()) {
            r = Sipp.scenario("uac-cps").local(CALLER, 5060).remote(DISPATCHER, 5060)
                    .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                    .calls(calls).rate(rate, 1000).timeout(seconds + 25).run(dir, "caller");
            gateway.stop();
        }
        r.assertClean(calls);
        long admitted = r.count("BYE", "Sent"), refused = r.count("503", "Recv");
        System.out.printf("cluster behind dispatcher: %d admitted, %d refused of %d offered at %d/s (limit %d/s)%n",
                admitted, refused, calls, rate, limit);
        assertThat(admitted + refused).as("every call answered or refused\n%s", r.diagnostics()).isEqualTo(calls);
        assertThat((double) admitted).as("the cluster's %d/s for %d s, not 3 x that", limit, seconds)
                .isBetween(limit * seconds * 0.9, limit * seconds * 1.1);
        for (String ip : new String[] {A, B, C}) {
            assertThat(dispatcher.isUp("sip:" + ip + ":5060")).as("%s is full, not down", ip).isTrue();
        }
    }
}
