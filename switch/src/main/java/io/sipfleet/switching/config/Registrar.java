package io.sipfleet.switching.config;

/**
 * Registration lifetimes (RFC 3261 section 10.3).
 *
 * @param minExpiresSeconds     shortest registration accepted, >= 1; a REGISTER asking for less
 *                              gets 423 Interval Too Brief with this as Min-Expires. Default 60.
 * @param maxExpiresSeconds     longest registration granted, >= minExpiresSeconds; a longer
 *                              request is shortened to this. Default 3600.
 * @param defaultExpiresSeconds lifetime granted when the REGISTER names none, between min and
 *                              max. Default 3600.
 */
public record Registrar(
        @Default("60") int minExpiresSeconds,
        @Default("3600") int maxExpiresSeconds,
        @Default("3600") int defaultExpiresSeconds) {
}
