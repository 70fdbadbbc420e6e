package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipfleet.cluster.location.Binding;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switch A registers upstream to switch B, a registrar with digest auth that knows user 1001
 * only by its HA1: A ends registered and B's location holds A's contact. B computes the expected
 * digest itself, so this is the strongest check that A's digest is right, in MD5 and in SHA-256.
 * Then the carrier side: a request from the registrar's address reaches A (trusted, let in by
 * Restrict Direct) where anyone else gets 403.
 */
class SwitchUpstreamToSwitchTest {
    static final String UPSTREAM = "127.0.10.3", SWITCH = "127.0.10.4", DISPATCHER = "127.0.10.9", STRANGER = "127.0.10.8";
    static final String AOR = "sip:1001@" + TestSwitch.REALM;

    @TempDir java.nio.file.Path dir;

    private static List<Binding> bindings(TestSwitch sw) {
        return sw.node.state().location().lookup(AOR).toCompletableFuture().join();
    }

    @ParameterizedTest(name = "{0} challenge")
    @ValueSource(strings = {"MD5", "SHA-256"})
    void aSwitchRegistersToAnotherSwitchWithTheRightDigest(String algorithm) {
        TestSwitch.Config b = new TestSwitch.Config(UPSTREAM);
        b.digestAlgorithms = "[\"" + algorithm + "\"]";
        TestSwitch.Config a = new TestSwitch.Config(SWITCH).upstream("sip:" + UPSTREAM + ":5060", "1001", "secret1001", 300, 30);
        try (TestSwitch registrar = TestSwitch.start(b); TestSwitch sw = TestSwitch.start(a)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(sw.metric("sipfleet_upstream_registered", "username=\"1001\"")).isEqualTo(1.0));
            assertThat(sw.metric("sipfleet_upstream_last_status", "username=\"1001\"")).isEqualTo(200.0);
            assertThat(bindings(registrar)).singleElement().satisfies(binding -> {
                assertThat(binding.contact()).contains("sip:1001@" + SWITCH + ":5060");
                assertThat(binding.expiresAtMillis() - System.currentTimeMillis()).isBetween(250_000L, 301_000L);
            });
            // B counted one challenge and one success, no failure: the digest was right the first time.
            assertThat(registrar.metric("sipfleet_auth_failures_total")).isEqualTo(0.0);
        }
    }

    @Test void aWrongPasswordEndsNotRegisteredWithB() {
        TestSwitch.Config a = new TestSwitch.Config(SWITCH).upstream("sip:" + UPSTREAM + ":5060", "1001", "not-the-password", 300, 30);
        try (TestSwitch registrar = TestSwitch.start(new TestSwitch.Config(UPSTREAM)); TestSwitch sw = TestSwitch.start(a)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(sw.metric("sipfleet_upstream_last_status", "username=\"1001\"")).isIn(401.0, 403.0);
                assertThat(sw.metric("sipfleet_upstream_registered", "username=\"1001\"")).isEqualTo(0.0);
            });
            assertThat(bindings(registrar)).isEmpty();
        }
    }

    @Test void requestsFromTheRegistrarPassRestrictDirectAndNeedNoDigest() {
        TestSwitch.Config a = new TestSwitch.Config(SWITCH).upstream("sip:" + UPSTREAM + ":5060", "1001", "secret1001", 300, 30);
        a.dispatchers.add(DISPATCHER);
        a.restrictDirect = true;
        try (TestSwitch registrar = TestSwitch.start(new TestSwitch.Config(UPSTREAM)); TestSwitch sw = TestSwitch.start(a);
             RawSip carrier = new RawSip(UPSTREAM, SWITCH, TestSwitch.PORT);
             RawSip stranger = new RawSip(STRANGER, SWITCH, TestSwitch.PORT)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(sw.metric("sipfleet_upstream_registered", "username=\"1001\"")).isEqualTo(1.0));
            // The carrier calls the contact A registered: sip:1001@A. 1001 is a subscriber of A with
            // no phone registered there now, so A answers 404 after routing it: neither 403 (Restrict
            // Direct) nor 407 (a carrier does not answer challenges).
            String c1 = RawSip.unique("carrier");
            RawSip.Received routed = carrier.exchange(carrier.request("INVITE", "sip:1001@" + SWITCH + ":5060", "carrier",
                    "sip:1001@" + SWITCH, c1, 1), c1, 1, Duration.ofSeconds(3));
            assertThat(routed).as("answer to the registrar's INVITE").isNotNull();
            assertThat(routed.status()).isEqualTo(404);

            String c2 = RawSip.unique("stranger");
            RawSip.Received refused = stranger.exchange(stranger.request("INVITE", "sip:1001@" + SWITCH + ":5060", "x",
                    "sip:1001@" + SWITCH, c2, 1), c2, 1, Duration.ofSeconds(3));
            assertThat(refused).isNotNull();
            assertThat(refused.status()).isEqualTo(403);
        }
    }

    @Test void aChangedPasswordReRegisters() {
        TestSwitch.Config a = new TestSwitch.Config(SWITCH).upstream("sip:" + UPSTREAM + ":5060", "1001", "not-the-password", 300, 30);
        try (TestSwitch registrar = TestSwitch.start(new TestSwitch.Config(UPSTREAM)); TestSwitch sw = TestSwitch.start(a)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(sw.metric("sipfleet_upstream_last_status", "username=\"1001\"")).isEqualTo(403.0));
            // The operator fixes the password: the next snapshot re-registers at once (not after the 30 s retry).
            a.upstream.clear();
            a.upstream("sip:" + UPSTREAM + ":5060", "1001", "secret1001", 300, 30);
            sw.node.apply(a.next());
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(sw.metric("sipfleet_upstream_registered", "username=\"1001\"")).isEqualTo(1.0));
            assertThat(bindings(registrar)).singleElement().satisfies(b -> assertThat(b.contact()).contains(SWITCH));
        }
    }

    /**
     * The whole carrier path with real peers: switch A registers upstream to switch B as user
     * 1003; a phone of A is registered there as 1003 too. Subscriber 1001 of B calls 1003: B sends
     * the call to A's registered contact, A takes it from its registrar without a challenge and
     * rings its phone. Answered, ACKed and hung up through both switches.
     */
    @Test void aCallFromTheRegistrarReachesThePhoneBehindTheSwitch() {
        String caller = "127.0.10.5", phone = "127.0.10.6";
        TestSwitch.Config a = new TestSwitch.Config(SWITCH).upstream("sip:" + UPSTREAM + ":5060", "1003", "secret1003", 300, 30);
        try (TestSwitch carrier = TestSwitch.start(new TestSwitch.Config(UPSTREAM)); TestSwitch sw = TestSwitch.start(a)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(sw.metric("sipfleet_upstream_registered", "username=\"1003\"")).isEqualTo(1.0));
            sw.register(dir, "1003", phone, 5070);
            try (Sipp.Running callee = Sipp.scenario("uas-answer").local(phone, 5070).key("user", "1003").calls(1).timeout(20)
                    .start(dir, "phone").awaitBound()) {
                Sipp.scenario("uac-call").local(caller, 5060).remote(UPSTREAM, TestSwitch.PORT)
                        .injection("SEQUENTIAL", TestSwitch.credentials("1001")).arg("-auth_uri", "1003@sipfleet.local")
                        .arg("-s", "1003").calls(1).timeout(20).run(dir, "caller").assertClean(1);
                callee.await().assertClean(1);
            }
            assertThat(sw.metric("sipfleet_calls_total", "result=\"answered\"")).isEqualTo(1.0);
        }
    }
}
