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
}
