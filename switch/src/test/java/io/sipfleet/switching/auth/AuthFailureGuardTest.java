package io.sipfleet.switching.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthFailureGuardTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T03:00:00Z"));
    private final AuthFailureGuard guard = new AuthFailureGuard(AuthGuardSettings.defaults(), clock);
    private final InetAddress scanner = ip("203.0.113.7"), office = ip("198.51.100.20");

    @Test void elevenFailuresInAMinuteBlockForTenMinutesAndOnlyThatSource() {
        try (LogCapture logs = LogCapture.of(AuthFailureGuard.class)) {
            for (int i = 0; i < 10; i++) {
                guard.failure(scanner);
                clock.advance(Duration.ofSeconds(5));
            }
            assertThat(guard.isBlocked(scanner)).as("10 failures are within the limit").isFalse();
            guard.failure(scanner); // the 11th, 50 s after the first
            assertThat(guard.isBlocked(scanner)).isTrue();
            assertThat(guard.isBlocked(office)).isFalse();
            assertThat(guard.isSlowed(office)).isFalse();
            assertThat(guard.blockedSources()).isEqualTo(1);

            for (int i = 0; i < 1000; i++) assertThat(guard.isBlocked(scanner)).isTrue();
            assertThat(guard.droppedRequests()).isEqualTo(1001);
            assertThat(logs.messages(Level.WARN)).singleElement().asString()
                    .contains("203.0.113.7", "600 s", "11 failed authentications", "60 s");

            clock.advance(Duration.ofSeconds(599));
            assertThat(guard.isBlocked(scanner)).isTrue();
            clock.advance(Duration.ofSeconds(1));
            assertThat(guard.isBlocked(scanner)).isFalse();
            assertThat(guard.blockedSources()).isZero();
            assertThat(logs.messages(Level.INFO)).singleElement().asString()
                    .contains("203.0.113.7 unblocked", "1002 requests were dropped");
            assertThat(logs.messages(Level.WARN)).hasSize(1);
        }
    }

    @Test void theWindowSlides() {
        for (int i = 0; i < 30; i++) {
            guard.failure(scanner); // one every 7 s: never 11 within 60 s
            clock.advance(Duration.ofSeconds(7));
        }
        assertThat(guard.isBlocked(scanner)).isFalse();
        for (int i = 0; i < 3; i++) guard.failure(scanner); // 8 in the window + 3 = 11
        assertThat(guard.isBlocked(scanner)).isTrue();
    }

    @Test void slowedFromMoreThanHalfTheLimitAndSuccessEndsOnlyTheSlowDown() {
        for (int i = 0; i < 5; i++) guard.failure(scanner);
        assertThat(guard.isSlowed(scanner)).isFalse();
        guard.failure(scanner);
        assertThat(guard.isSlowed(scanner)).isTrue();

        guard.success(scanner);
        assertThat(guard.isSlowed(scanner)).as("valid credentials: not slowed").isFalse();
        for (int i = 0; i < 4; i++) guard.failure(scanner);
        assertThat(guard.isSlowed(scanner)).isTrue();
        assertThat(guard.isBlocked(scanner)).isFalse();
        guard.failure(scanner); // the success did not wipe the history: this is the 11th
        assertThat(guard.isBlocked(scanner)).isTrue();
        assertThat(guard.isSlowed(scanner)).as("answers still in flight stay late").isTrue();
    }

    @Test void anIpv6SourceIsItsSlash64() {
        for (int i = 1; i <= 11; i++) guard.failure(ip("2001:db8:1:2::" + Integer.toHexString(i)));
        assertThat(guard.isBlocked(ip("2001:db8:1:2:ffff::1"))).isTrue();
        assertThat(guard.isBlocked(ip("2001:db8:1:3::1"))).isFalse();
    }

    @Test void memoryIsBoundedWhenAScannerSpraysFromManyAddresses() {
        AuthFailureGuard small = new AuthFailureGuard(AuthGuardSettings.defaults(), clock, 1000);
        for (int i = 0; i < 100_000; i++) {
            small.failure(ip("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)));
            if (i % 1000 == 0) clock.advance(Duration.ofMillis(100));
        }
        assertThat(small.trackedSources()).isLessThanOrEqualTo(1000);

        // A real scanner among them is still caught.
        for (int i = 0; i < 11; i++) small.failure(scanner);
        assertThat(small.isBlocked(scanner)).isTrue();
    }

    @Test void aTableFullOfBlockedSourcesStopsTrackingNewOnesInsteadOfGrowing() {
        AuthFailureGuard tiny = new AuthFailureGuard(AuthGuardSettings.defaults(), clock, 2);
        for (String a : new String[] {"192.0.2.1", "192.0.2.2"}) {
            for (int i = 0; i < 11; i++) tiny.failure(ip(a));
        }
        tiny.failure(ip("192.0.2.3"));
        assertThat(tiny.trackedSources()).isEqualTo(2);
        assertThat(tiny.untrackedFailures()).isEqualTo(1);
        assertThat(tiny.blockedSources()).isEqualTo(2);
    }

    @Test void idleSourcesAreSweptAway() {
        guard.failure(scanner);
        guard.failure(office);
        clock.advance(Duration.ofSeconds(61));
        assertThat(guard.sweep()).isEqualTo(2);
        assertThat(guard.trackedSources()).isZero();
    }

    @Test void aZeroBlockOnlyCountsAndLogsOnce() {
        AuthFailureGuard countOnly = new AuthFailureGuard(
                new AuthGuardSettings(10, Duration.ofSeconds(60), Duration.ZERO), clock);
        try (LogCapture logs = LogCapture.of(AuthFailureGuard.class)) {
            for (int i = 0; i < 50; i++) countOnly.failure(scanner);
            assertThat(countOnly.isBlocked(scanner)).isFalse();
            assertThat(countOnly.isSlowed(scanner)).isFalse();
            assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("not blocked");
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
