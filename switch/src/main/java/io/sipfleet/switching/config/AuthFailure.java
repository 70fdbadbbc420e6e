package io.sipfleet.switching.config;

/**
 * Scanner protection: a source address that fails digest authentication too often is blocked
 * for a while, so SIP scanners guessing passwords cost one packet each instead of a challenge
 * round trip and a hash.
 *
 * @param maxFailuresPerWindow failed authentications from one source address within
 *                             {@code windowSeconds} that trigger a block, >= 1. Default 10.
 * @param windowSeconds        length of the counting window in seconds, >= 1. Default 60.
 * @param blockSeconds         how long a blocked source is ignored, in seconds, >= 0;
 *                             0 = count and log only, never block. Default 600.
 */
public record AuthFailure(
        @Default("10") int maxFailuresPerWindow,
        @Default("60") int windowSeconds,
        @Default("600") int blockSeconds) {
}
