package io.sipfleet.app.dispatching;

import static io.sipfleet.app.dispatching.Fleet3.CALLER;
import static io.sipfleet.app.dispatching.Fleet3.DISPATCHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The algorithms with real SIPp through one dispatcher and three switches ({@link Fleet3}).
 *
 * <p>The hash tests use the digest round as their witness: without a shared nonce key a switch
 * only accepts credentials for a nonce it issued itself, so a subscriber's call (INVITE, 407,
 * INVITE with credentials, same Call-ID and To) and a REGISTER (401, REGISTER again) complete
 * only if both requests reached the same switch. The round-robin test turns that around: the
 * two INVITEs of a call always go to different switches, so the calls complete only because the
 * switches share their nonce key.
 */
class DispatcherAlgorithmsTest {
    static final String SHARED_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir Path dir;
    Fleet3 fleet;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @BeforeEach void fleet() { fleet = new Fleet3(dir); }

    @AfterEach void stop() { fleet.close(); }

    private void register(String user, String ip, int port) {
        Sipp.scenario("register").local(ip, port).remote(DISPATCHER, 5060).calls(1).timeout(10)
                .arg("-auth_uri", "sipfleet.local")
                .injection("SEQUENTIAL", user + ";[authentication username=" + user + " password=secret" + user + "];"
                        + ip + ":" + port)
                .run(dir, "register-" + user + "-" + port).assertClean(1);
    }

    @Test void callIdHashKeepsEachCallOnOneSwitchAndSpreadsThem() throws Exception {
        fleet.switches(false, (i, c) -> {}).dispatcher("call-id-hash").awaitAllUp(10);
        try (Sipp.Running gw = fleet.gateway(60)) {
            fleet.subscriberCaller(CALLER, "5551234", 30, 15).run(dir, "caller").assertClean(30);
            gw.stop();
        }
        double[] admitted = fleet.admitted();
        assertThat(Arrays.stream(admitted).sum()).isEqualTo(30.0);
        // SIPp's Call-IDs carry its pid, so the split differs from run to run: with 30 calls a switch gets
        // fewer than 4 about once in a hundred runs (binomial, p = 1/3), none about once in 60 000. How
        // even the hash is, is SelectorTest's (600 fixed Call-IDs); here: every switch takes calls.
        for (double a : admitted) assertThat(a).as("spread %s", Arrays.toString(admitted)).isGreaterThanOrEqualTo(1.0);
    }

    @Test void aorHashKeepsANumberAndARegistrationOnOneSwitch() throws Exception {
        fleet.switches(false, (i, c) -> {}).dispatcher("aor-hash").awaitAllUp(10);
        register("1001", CALLER, 5070); // 401 and the retry on one switch
        register("1001", CALLER, 5071); // a refresh from elsewhere: the same switch again
        String[] numbers = {"5550001", "5550002", "5550003", "5550004", "5550005", "5550006"};
        try (Sipp.Running gw = fleet.gateway(90)) {
            for (String n : numbers) fleet.subscriberCaller(CALLER, n, 4, 20).run(dir, "caller-" + n).assertClean(4);
            gw.stop();
        }
        double[] admitted = fleet.admitted();
        assertThat(Arrays.stream(admitted).sum()).isEqualTo(24.0);
        int used = 0;
        for (double a : admitted) {
            assertThat(a % 4).as("every number's 4 calls on one switch: %s", Arrays.toString(admitted)).isZero();
            if (a > 0) used++;
        }
        assertThat(used).as("numbers spread over switches: %s", Arrays.toString(admitted)).isGreaterThanOrEqualTo(2);
    }

    @Test void roundRobinWorksWithDigestBecauseTheSwitchesShareTheirNonceKey() throws Exception {
        fleet.switches(false, (i, c) -> c.nonceSecret = SHARED_KEY).dispatcher("round-robin").awaitAllUp(10);
        register("1001", CALLER, 5070);
        try (Sipp.Running gw = fleet.gateway(60)) {
            fleet.subscriberCaller(CALLER, "5551234", 12, 10).run(dir, "caller").assertClean(12);
            gw.stop();
        }
        double[] admitted = fleet.admitted();
        // each call: challenged by one switch, admitted by the next in the rotation
        for (double a : admitted) assertThat(a).as("spread %s", Arrays.toString(admitted)).isEqualTo(4.0);
    }

    @Test void leastLoadedSendsNewCallsAwayFromTheBusySwitch() throws Exception {
        String preload = "127.0.6.24";
        fleet.switches(true, (i, c) -> {
            c.channelLimit = 100;
            if (i == 0) c.route("preload", "98", "sip:" + preload + ":5099"); // trusts the preload caller
        }).dispatcher("least-loaded").awaitAllUp(10);
        TestSwitch busy = fleet.switches.get(0);
        try (Sipp.Running gw = fleet.gateway(60);
             Sipp.Running hold = Sipp.scenario("uac-channels-hold").local(preload, 5060).remote(Fleet3.SWITCHES[0], 5060)
                     .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234").arg("-d", "12000")
                     .calls(30).rate(30, 1000).timeout(40).start(dir, "preload")) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!fleet.get("/status").contains("\"channels\":30,") && System.nanoTime() < deadline) Sipp.sleep(100);
            assertThat(fleet.get("/status")).as("the busy switch reported its 30 calls").contains("\"channels\":30,");
            double busyBefore = Fleet3.admitted(busy);
            fleet.caller(CALLER, 60, 20, 30).run(dir, "caller").assertClean(60);
            double[] admitted = fleet.admitted();
            assertThat(admitted[0] - busyBefore).as("new calls on the busy switch: %s", Arrays.toString(admitted))
                    .isLessThanOrEqualTo(2.0);
            assertThat(admitted[1]).as("spread %s", Arrays.toString(admitted)).isBetween(20.0, 40.0);
            assertThat(admitted[2]).as("spread %s", Arrays.toString(admitted)).isBetween(20.0, 40.0);
            hold.await();
            gw.stop();
        }
    }

    /** Restrict Direct with a real dispatcher in front: calls through it complete, SIP straight to a switch gets 403. */
    @Test void restrictedSwitchesServeCallsThroughTheDispatcherOnly() throws Exception {
        fleet.switches(true, (i, c) -> c.restrictDirect = true).dispatcher("round-robin").awaitAllUp(10);
        try (Sipp.Running gw = fleet.gateway(60)) {
            fleet.caller(CALLER, 30, 20, 20).run(dir, "caller").assertClean(30);
            gw.stop();
        }
        for (double a : fleet.admitted()) assertThat(a).isEqualTo(10.0);
        try (java.net.DatagramSocket direct = new java.net.DatagramSocket(new java.net.InetSocketAddress(CALLER, 0))) {
            String options = "OPTIONS sip:" + Fleet3.SWITCHES[1] + ":5060 SIP/2.0\r\nVia: SIP/2.0/UDP " + CALLER + ":"
                    + direct.getLocalPort() + ";branch=z9hG4bKdirect1;rport\r\nMax-Forwards: 70\r\nFrom: <sip:x@" + CALLER
                    + ">;tag=d1\r\nTo: <sip:" + Fleet3.SWITCHES[1] + ">\r\nCall-ID: direct1\r\nCSeq: 1 OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] b = options.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            direct.send(new java.net.DatagramPacket(b, b.length, new java.net.InetSocketAddress(Fleet3.SWITCHES[1], 5060)));
            direct.setSoTimeout(3000);
            byte[] buf = new byte[4096];
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            direct.receive(p);
            assertThat(new String(buf, 0, p.getLength(), java.nio.charset.StandardCharsets.US_ASCII))
                    .startsWith("SIP/2.0 403 Direct Access Not Allowed");
        }
    }

    /**
     * Capacity failover behind the dispatcher: switch 1 takes 1 call/s and redirects the rest
     * (302) to switch 2; the dispatcher follows the 302 itself, so the caller never sees it.
     */
    @Test void aSwitchsCapacityRedirectIsFollowedByTheDispatcher() throws Exception {
        fleet.switches(true, (i, c) -> {
            if (i == 0) {
                c.cpsLimit = 1;
                c.capacityFailover = "sip:" + Fleet3.SWITCHES[1] + ":5060";
            }
        }).dispatcher("round-robin").awaitAllUp(10);
        Sipp.Result r;
        try (Sipp.Running gw = fleet.gateway(60)) {
            r = fleet.caller(CALLER, 60, 20, 30).run(dir, "caller").assertClean(60);
            gw.stop();
        }
        assertThat(r.count("302", "Recv")).as("the caller never sees the redirect").isZero();
        assertThat(r.count("503", "Recv")).isZero();
        double[] admitted = fleet.admitted();
        assertThat(admitted[0]).as("the limited switch: %s", Arrays.toString(admitted)).isLessThanOrEqualTo(5.0);
        assertThat(admitted[1]).as("took its own share and the redirected calls: %s", Arrays.toString(admitted))
                .isGreaterThan(admitted[2] + 10);
        assertThat(TestSwitch.metricIn(fleet.get("/metrics"), "sipfleet_dispatcher_failovers_total", "status=\"302\""))
                .isGreaterThan(10.0);
    }
}
