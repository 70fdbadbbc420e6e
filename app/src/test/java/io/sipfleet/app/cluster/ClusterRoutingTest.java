package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.cluster.location.Binding;
import io.sipfleet.switching.keepalive.KeepAliveStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members sharing registrations through Redis (real Redis, real SIPp): a user registered on
 * member A is called through member B and the call goes through A (only A holds the UA's flow);
 * and 300 bindings registered across the members are pinged exactly once per interval, each by the
 * member it registered through.
 */
class ClusterRoutingTest {
    static final String A = "127.0.5.1", B = "127.0.5.2", C = "127.0.5.3";
    static final String CALLER = "127.0.5.101", CALLEE = "127.0.5.102";
    static final String[] PHONES = {"127.0.5.103", "127.0.5.104", "127.0.5.105"};
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

    private List<ClusterMember> startCluster(java.util.function.Consumer<ClusterMember.Config> tune) {
        for (String ip : new String[] {A, B, C}) {
            ClusterMember.Config c = new ClusterMember.Config(ip, cluster).members(A, B, C);
            tune.accept(c);
            members.add(ClusterMember.start(c));
        }
        return members;
    }

    private static void register(Path dir, String member, String user, String fromIp, int port) {
        Sipp.scenario("register").local(fromIp, port).remote(member, ClusterMember.PORT).calls(1).timeout(10)
                .arg("-auth_uri", ClusterMember.REALM)
                .injection("SEQUENTIAL", ClusterMember.credentials(user) + ";" + fromIp + ":" + port)
                .run(dir, "register-" + user + "-" + member).assertClean(1);
    }

    @Test void registeredOnAcalledViaBreachesTheUserThroughA() {
        startCluster(c -> {});
        ClusterMember a = members.get(0), b = members.get(1);
        register(dir, A, "1002", CALLEE, 5070);
        List<Binding> seenByB = b.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join();
        assertThat(seenByB).as("B sees A's registration at once").hasSize(1);
        assertThat(seenByB.get(0).memberId()).isEqualTo(a.serverId());

        try (Sipp.Running uas = Sipp.scenario("uas-answer").local(CALLEE, 5070).key("user", "1002").calls(3)
                .timeout(20).start(dir, "callee").awaitBound()) {
            Sipp.scenario("uac-call").local(CALLER, 5060).remote(B, ClusterMember.PORT)
                    .injection("SEQUENTIAL", ClusterMember.credentials("1001"))
                    .arg("-auth_uri", "1002@sipfleet.local").arg("-s", "1002").timeout(20)
                    .calls(3).rate(10, 1000).run(dir, "caller").assertClean(3);
            uas.await().assertClean(3);
        }
        // B admitted the calls (its CDRs, its counters); A only relayed them to the flow it owns
        assertThat(b.node.metrics()).isNotNull();
        assertThat(b.channelsInUse()).as("cluster channels after the calls").isZero();
        assertThat(a.node.calls().active()).isZero();
        assertThat(b.node.calls().active()).isZero();
    }

    @Test void threeHundredBindingsArePingedOncePerIntervalEachByTheMemberItCameThrough() throws Exception {
        int interval = 4, perMember = 100;
        startCluster(c -> {
            c.keepAliveInterval = interval;
            c.lostPingLimit = 100; // the phones are gone after registering: no binding may be dropped meanwhile
        });
        // 100 bindings through each member: users 1001..1003, each with its own Contact
        List<Sipp.Running> regs = new ArrayList<>();
        try {
            for (int m = 0; m < 3; m++) {
                List<String> lines = new ArrayList<>();
                lines.add("SEQUENTIAL");
                for (int i = 0; i < perMember; i++) {
                    String user = "100" + (1 + i % 3);
                    lines.add(ClusterMember.credentials(user) + ";" + PHONES[m] + ":" + (21000 + i));
                }
                regs.add(Sipp.scenario("register").local(PHONES[m], 5080).remote(members.get(m).ip, ClusterMember.PORT)
                        .calls(perMember).rate(50, 1000).limit(20).timeout(30).arg("-auth_uri", ClusterMember.REALM)
                        .injection(lines.toArray(String[]::new)).start(dir, "phones-" + m));
            }
            for (Sipp.Running r : regs) {
                // the first pings reach the phones while they still register: out-of-call for SIPp
                Sipp.Result res = r.await();
                assertThat(res.successful()).as("registrations\n%s", res.diagnostics()).isEqualTo(perMember);
                assertThat(res.failed()).isZero();
            }
        } finally {
            regs.forEach(Sipp.Running::close);
        }

        // the store: every binding remembers the member it came through
        Map<String, Integer> owners = new HashMap<>();
        for (String aor : List.of("sip:1001@sipfleet.local", "sip:1002@sipfleet.local", "sip:1003@sipfleet.local")) {
            for (Binding bd : members.get(0).node.state().location().lookup(aor).toCompletableFuture().join()) {
                owners.merge(bd.memberId(), 1, Integer::sum);
                String phoneIp = bd.flow().sourceIp();
                int m = List.of(PHONES).indexOf(phoneIp);
                assertThat(bd.memberId()).as("owner of %s (came from %s)", bd.contact(), phoneIp)
                        .isEqualTo(members.get(m).serverId());
            }
        }
        assertThat(owners.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3 * perMember);
        for (ClusterMember m : members) {
            assertThat(owners.get(m.serverId())).isEqualTo(perMember);
            assertThat(m.node.keepAlive().stats().tracked()).as("bindings %s pings", m.serverId()).isEqualTo(perMember);
        }

        // One interval of each member's wheel, measured between two of its ticks, both in the
        // member's own count and on the wire: the phones behind each member's flows record every
        // OPTIONS they get (and answer it), so a ping from a member that does not own the binding
        // would show up here even if no member counted it.
        List<PhonePings> phones = new ArrayList<>();
        try {
            for (String ip : PHONES) phones.add(new PhonePings(ip, 5080));
            // Pings sent before the phones listened are still being retransmitted (every 4 s at
            // most, RFC 3261 T2): let them be answered first, so the windows below see only new ones.
            Sipp.sleep(4_500);
            long total = 0, onTheWire = 0;
            for (int m = 0; m < 3; m++) {
                ClusterMember member = members.get(m);
                long sent = sentAfterNextTick(member);
                long from = System.nanoTime();
                Sipp.sleep(interval * 1000L);
                long to = System.nanoTime();
                long delta = member.node.keepAlive().stats().sent() - sent;
                List<PhonePings.Ping> window = phones.get(m).pings().stream()
                        .filter(p -> p.atNanos() >= from && p.atNanos() < to).toList();
                long distinctContacts = window.stream().map(PhonePings.Ping::contact).distinct().count();
                System.out.printf("keep-alive: %s sent %d pings in one %d s interval; its phones received %d"
                        + " (%d distinct bindings)%n", member.serverId(), delta, interval, window.size(), distinctContacts);
                assertThat(delta).as("pings from %s in one interval", member.serverId()).isEqualTo(perMember);
                assertThat(window).as("pings received behind %s in its interval", member.serverId()).hasSize(perMember);
                assertThat(distinctContacts).as("each binding pinged once").isEqualTo(perMember);
                assertThat(window).allSatisfy(p -> assertThat(p.fromIp()).isEqualTo(member.ip));
                total += delta;
                onTheWire += window.size();
            }
            assertThat(total).as("pings in the cluster in one interval").isEqualTo(3L * perMember);
            assertThat(onTheWire).as("pings received in one interval").isEqualTo(3L * perMember);
            // over the whole run: every ping a phone got came from the member its bindings came through
            for (int m = 0; m < 3; m++) {
                String owner = members.get(m).ip;
                assertThat(phones.get(m).pings()).as("pings behind %s", owner).isNotEmpty()
                        .allSatisfy(p -> assertThat(p.fromIp()).as("sender of %s", p.contact()).isEqualTo(owner));
            }
        } finally {
            for (PhonePings p : phones) p.close();
        }
        for (ClusterMember m : members) {
            KeepAliveStats s = m.node.keepAlive().stats();
            assertThat(s.lost()).isZero();
        }
    }

    /** Waits for a tick of {@code m}'s ping wheel (its sent count moves), then half a tick; returns the count. */
    private static long sentAfterNextTick(ClusterMember m) {
        long before = m.node.keepAlive().stats().sent();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (m.node.keepAlive().stats().sent() == before && System.nanoTime() < deadline) Sipp.sleep(1);
        Sipp.sleep(50); // ticks are 100 ms apart: the window starts and ends between two of them
        return m.node.keepAlive().stats().sent();
    }
}
