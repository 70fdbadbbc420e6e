package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The brief's "UAC auth": the switch registers upstream to a carrier's registrar (SIPp here, which
 * verifies the digest itself with {@code verifyauth}), through the real switch node: 401 answered
 * with a digest, 423 followed with Min-Expires, refreshes before the granted lifetime ends,
 * unregistration when the config drops the registration, retry after a refusal, and the state in
 * /metrics.
 */
class SwitchUpstreamRegistrationTest {
    static final String SWITCH = "127.0.10.1", REGISTRAR = "127.0.10.2";
    static final String REGISTRAR_URI = "sip:" + REGISTRAR + ":5060";

    @TempDir Path dir;

    private static Sipp registrar(String scenario, int granted) {
        return Sipp.scenario(scenario).local(REGISTRAR, 5060).key("granted", Integer.toString(granted))
                .calls(1).timeout(30);
    }

    private static double registered(TestSwitch sw) {
        return sw.metric("sipfleet_upstream_registered", "username=\"trunk1\"", "registrar=\"" + REGISTRAR_URI + "\"");
    }

    private static double lastStatus(TestSwitch sw) {
        return sw.metric("sipfleet_upstream_last_status", "username=\"trunk1\"");
    }

    @Test void registersWithADigestTheRegistrarVerifies() {
        try (Sipp.Running carrier = registrar("uas-registrar", 600).start(dir, "registrar").awaitBound();
             TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 30))) {
            Sipp.Result r = carrier.await();
            r.assertClean(1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(registered(sw)).as("registered gauge").isEqualTo(1.0);
                assertThat(lastStatus(sw)).isEqualTo(200.0);
            });
        }
    }

    @Test void aWrongPasswordIsRefusedAndShownAsNotRegistered() {
        try (Sipp.Running carrier = registrar("uas-registrar", 600).start(dir, "registrar").awaitBound();
             TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "wrong", 3600, 30))) {
            carrier.await();
            // SIPp's own digest check fails: 403 Bad Digest; the switch says so and waits to retry.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(lastStatus(sw)).isEqualTo(403.0);
                assertThat(registered(sw)).isEqualTo(0.0);
            });
        }
    }

    @Test void intervalTooBriefIsRetriedWithMinExpires() {
        try (Sipp.Running carrier = registrar("uas-registrar-423", 7200).start(dir, "registrar-423").awaitBound();
             TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 30))) {
            carrier.await().assertClean(1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registered(sw)).isEqualTo(1.0));
        }
    }

    @Test void refreshesBeforeAShortGrantedLifetimeEnds() {
        // Granted 4 s: refreshes at ~2 s; three registrations (each 401 + 200) within ~6 s.
        long start = System.nanoTime();
        try (Sipp.Running carrier = registrar("uas-registrar-refresh", 4).start(dir, "registrar-refresh").awaitBound();
             TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 30))) {
            carrier.await().assertClean(1);
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertThat(seconds).as("three registrations, refreshed at half of 4 s").isLessThan(10);
            assertThat(registered(sw)).isEqualTo(1.0);
        }
    }

    @Test void aFailureIsRetriedAfterTheRetryInterval() {
        try (Sipp.Running carrier = registrar("uas-registrar-forbidden-once", 600).start(dir, "registrar-403").awaitBound();
             TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 1))) {
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(lastStatus(sw)).isIn(403.0, 200.0));
            carrier.await().assertClean(1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registered(sw)).isEqualTo(1.0));
        }
    }

    @Test void aRegistrationRemovedByAReloadIsUnregistered() {
        TestSwitch.Config config = new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 30);
        try (Sipp.Running carrier = registrar("uas-registrar-unregister", 600).start(dir, "registrar-unregister").awaitBound();
             TestSwitch sw = TestSwitch.start(config)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registered(sw)).isEqualTo(1.0));
            config.upstream.clear();
            assertThat(sw.node.apply(config.next()).outcome().name()).isEqualTo("APPLIED");
            // SIPp checks Expires: 0 and the digest of the unregistration, then answers 200.
            carrier.await().assertClean(1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(registered(sw)).as("gauge of a removed registration").isNaN());
        }
    }

    @Test void aStoppingSwitchUnregisters() {
        try (Sipp.Running carrier = registrar("uas-registrar-unregister", 600).start(dir, "registrar-stop").awaitBound()) {
            TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 30));
            try {
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registered(sw)).isEqualTo(1.0));
            } finally {
                long start = System.nanoTime();
                sw.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("stop time, registrar answering")
                        .isLessThan(Duration.ofSeconds(2));
            }
            carrier.await().assertClean(1);
        }
    }

    /** Answers one REGISTER on {@code socket} with {@code status} (headers copied as RFC 3261 8.2.6 says); returns the request. */
    private static String answer(java.net.DatagramSocket socket, String status, String... extra) throws java.io.IOException {
        byte[] buf = new byte[65535];
        java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
        socket.receive(p);
        String request = new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder response = new StringBuilder("SIP/2.0 " + status + "\r\n");
        for (String line : request.split("\r\n")) {
            String name = line.contains(":") ? line.substring(0, line.indexOf(':')) : "";
            if (name.equals("To")) response.append(line).append(";tag=c1\r\n");
            else if (java.util.Set.of("Via", "From", "Call-ID", "CSeq").contains(name)) response.append(line).append("\r\n");
        }
        for (String h : extra) response.append(h).append("\r\n");
        response.append("Content-Length: 0\r\n\r\n");
        byte[] out = response.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        socket.send(new java.net.DatagramPacket(out, out.length, p.getSocketAddress()));
        return request;
    }

    /** The value of header {@code name} in {@code message}, or null. */
    private static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
        }
        return null;
    }

    /**
     * A 407 with a SHA-256 challenge (an outbound proxy in front of the registrar): answered with
     * Proxy-Authorization, in the same Call-ID with the next CSeq, and the response is the one
     * RFC 7616 gives for the password.
     */
    @Test void aProxyChallengeIsAnsweredWithProxyAuthorizationInSha256() throws Exception {
        try (java.net.DatagramSocket carrier = new java.net.DatagramSocket(new java.net.InetSocketAddress(REGISTRAR, 5060));
             TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 30))) {
            carrier.setSoTimeout(5_000);
            String first = answer(carrier, "407 Proxy Authentication Required",
                    "Proxy-Authenticate: Digest realm=\"carrier.test\", nonce=\"n0nce407\", qop=\"auth\", algorithm=SHA-256");
            assertThat(header(first, "Proxy-Authorization")).isNull();
            assertThat(header(first, "Contact")).isEqualTo("<sip:trunk1@" + SWITCH + ":5060>;expires=3600");
            String second = answer(carrier, "200 OK", "Expires: 120");
            assertThat(header(second, "Call-ID")).isEqualTo(header(first, "Call-ID"));
            assertThat(header(second, "CSeq")).isEqualTo((Long.parseLong(header(first, "CSeq").split(" ")[0]) + 1) + " REGISTER");
            var c = io.sipfleet.sip.auth.DigestCredentials.parse(header(second, "Proxy-Authorization"));
            var sha = io.sipfleet.sip.auth.DigestAlgorithm.SHA_256;
            assertThat(c.username()).isEqualTo("trunk1");
            assertThat(c.algorithm()).isEqualTo(sha);
            assertThat(c.uri()).isEqualTo(REGISTRAR_URI);
            assertThat(c.qop()).isEqualTo("auth");
            assertThat(c.nc()).isEqualTo(1);
            assertThat(c.cnonce()).hasSizeGreaterThanOrEqualTo(16);
            assertThat(c.response()).isEqualTo(io.sipfleet.sip.auth.DigestResponse.compute(sha,
                    io.sipfleet.sip.auth.Ha1.compute(sha, "trunk1", "carrier.test", "s3cret"), "n0nce407", c.cnonce(), 1,
                    "auth", "REGISTER", REGISTRAR_URI));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registered(sw)).isEqualTo(1.0));
        }
    }

    /**
     * A registrar that answers every REGISTER 503 (a plain UDP socket here: SIPp cannot time
     * arrivals): the switch retries after retrySeconds, doubling each time.
     */
    @Test void failuresAreRetriedWithADoublingBackOff() throws Exception {
        try (java.net.DatagramSocket carrier = new java.net.DatagramSocket(new java.net.InetSocketAddress(REGISTRAR, 5060));
             TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(REGISTRAR_URI, "trunk1", "s3cret", 3600, 1))) {
            carrier.setSoTimeout(10_000);
            java.util.List<Long> arrivals = new java.util.ArrayList<>();
            java.util.Set<String> cseqs = new java.util.HashSet<>();
            while (arrivals.size() < 4) {
                String cseq = header(answer(carrier, "503 Service Unavailable"), "CSeq");
                if (cseqs.add(cseq)) arrivals.add(System.nanoTime()); // not a retransmission
            }
            long g1 = (arrivals.get(1) - arrivals.get(0)) / 1_000_000, g2 = (arrivals.get(2) - arrivals.get(1)) / 1_000_000,
                    g3 = (arrivals.get(3) - arrivals.get(2)) / 1_000_000;
            assertThat(g1).as("first retry, ms").isBetween(900L, 1_800L);
            assertThat(g2).as("second retry, ms").isBetween(1_900L, 2_800L);
            assertThat(g3).as("third retry, ms").isBetween(3_900L, 4_800L);
            assertThat(lastStatus(sw)).isEqualTo(503.0);
            assertThat(registered(sw)).isEqualTo(0.0);
        }
    }

    /** A registrar named by host name: resolved on a virtual thread (DNS blocks), then registered to. */
    @Test void aRegistrarGivenByHostNameIsResolved() throws Exception {
        try (java.net.DatagramSocket carrier = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            carrier.setSoTimeout(5_000);
            String uri = "sip:localhost:" + carrier.getLocalPort();
            try (TestSwitch sw = TestSwitch.start(new TestSwitch.Config(SWITCH).upstream(uri, "trunk1", "s3cret", 3600, 30))) {
                answer(carrier, "200 OK", "Expires: 120");
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                        sw.metric("sipfleet_upstream_registered", "registrar=\"" + uri + "\"")).isEqualTo(1.0));
            }
        }
    }
}
