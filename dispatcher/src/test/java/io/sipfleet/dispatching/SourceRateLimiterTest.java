package io.sipfleet.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {
    private final AtomicLong now = new AtomicLong(10_000_000_000L);
    private final InetAddress sw = ip("127.0.0.2");
    private final SourceRateLimiter limiter = new SourceRateLimiter(100, 50, sw::equals, (in, s) -> {}, now::get);

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test void aFloodingSourceIsCutAtItsRateOthersAreNot() {
        InetAddress flood = ip("192.0.2.1"), quiet = ip("192.0.2.2");
        int passed = 0;
        for (int i = 0; i < 20_000; i++) if (limiter.admit(flood)) passed++;
        assertThat(passed).isEqualTo(100);
        assertThat(limiter.limited()).isEqualTo(19_900);
        assertThat(limiter.admit(quiet)).isTrue();
        for (int i = 0; i < 1000; i++) assertThat(limiter.admit(sw)).as("switches are exempt").isTrue();
        now.addAndGet(1_000_000_000L); // next second: a fresh window
        assertThat(limiter.admit(flood)).isTrue();
    }

    @Test void memoryIsBoundedAndIdleSourcesAreForgotten() {
        for (int i = 0; i < 200; i++) limiter.admit(ip("10.0.0." + i));
        assertThat(limiter.trackedSources()).isEqualTo(50);
        assertThat(limiter.tableFull()).isEqualTo(150);
        now.addAndGet(3_000_000_000L);
        assertThat(limiter.admit(ip("10.0.1.1"))).as("idle ones swept to make room").isTrue();
        assertThat(limiter.trackedSources()).isEqualTo(1);
    }
}
