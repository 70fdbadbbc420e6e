package io.sipfleet.switching.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * Scanner protection settings of {@link AuthFailureGuard} (the switch maps its config's
 * {@code authFailure} section onto this).
 *
 * @param maxFailuresPerWindow failed authentications one source may have within {@code window};
 *     the next one blocks it. 1..1,000 (the guard keeps up to that many timestamps per source).
 * @param window               length of the sliding counting window, > 0
 * @param block                how long a blocked source is ignored; zero = count and log only,
 *                             never slow down or block
 * @param slowDownDelay        from half the limit on, answers to the source's failing requests
 *                             are held back this long before they are sent; zero = never
 */
public record AuthGuardSettings(int maxFailuresPerWindow, Duration window, Duration block, Duration slowDownDelay) {
    public static final int MAX_FAILURES_LIMIT = 1_000;
    public static final Duration DEFAULT_SLOW_DOWN_DELAY = Duration.ofSeconds(2);

    public AuthGuardSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(slowDownDelay, "slowDownDelay");
        if (maxFailuresPerWindow < 1 || maxFailuresPerWindow > MAX_FAILURES_LIMIT) {
            throw new IllegalArgumentException("maxFailuresPerWindow must be 1.." + MAX_FAILURES_LIMIT
                    + ", got " + maxFailuresPerWindow);
        }
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be > 0: " + window);
        if (block.isNegative()) throw new IllegalArgumentException("block must be >= 0: " + block);
        if (slowDownDelay.isNegative()) {
            throw new IllegalArgumentException("slowDownDelay must be >= 0: " + slowDownDelay);
        }
    }

    /** With the default slow-down delay (2 s: well inside Timer F's 32 s, so the UAC still hears the answer). */
    public AuthGuardSettings(int maxFailuresPerWindow, Duration window, Duration block) {
        this(maxFailuresPerWindow, window, block, DEFAULT_SLOW_DOWN_DELAY);
    }

    /** 10 failures per 60 s, then a 600 s block. */
    public static AuthGuardSettings defaults() {
        return new AuthGuardSettings(10, Duration.ofSeconds(60), Duration.ofSeconds(600));
    }

    /** Whether this guard ever acts (a zero block means count and log only). */
    public boolean enforcing() { return !block.isZero(); }

    /** Failures in the window from which the source is slowed down: more than half the limit. */
    public int slowDownFrom() { return maxFailuresPerWindow / 2 + 1; }
}
