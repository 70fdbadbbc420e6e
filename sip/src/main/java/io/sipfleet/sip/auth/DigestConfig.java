package io.sipfleet.sip.auth;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link DigestAuthenticator}.
 *
 * @param realm the realm challenged with and required in credentials
 * @param nonceLifetime how long a nonce is accepted; after that the answer is stale=true
 * @param algorithms the algorithms offered, most preferred first: one challenge is sent per
 *     algorithm in this order (RFC 8760 section 2.3: the UAS lists its preferred algorithm first)
 * @param qopAuth whether challenges offer qop="auth", which enables nonce-count replay
 *     protection; credentials without qop (RFC 2069 style) are accepted either way
 * @param maxTrackedNonces upper bound on the nonces whose highest nonce-count is remembered
 */
public record DigestConfig(String realm, Duration nonceLifetime, List<DigestAlgorithm> algorithms,
        boolean qopAuth, int maxTrackedNonces) {

    public static final Duration DEFAULT_NONCE_LIFETIME = Duration.ofSeconds(300);
    public static final List<DigestAlgorithm> DEFAULT_ALGORITHMS =
            List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    public static final int DEFAULT_MAX_TRACKED_NONCES = 100_000;

    public DigestConfig {
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonceLifetime, "nonceLifetime");
        if (nonceLifetime.isNegative() || nonceLifetime.isZero()) {
            throw new IllegalArgumentException("nonceLifetime must be positive, got " + nonceLifetime);
        }
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("algorithms must not be empty");
        }
        if (new HashSet<>(algorithms).size() != algorithms.size()) {
            throw new IllegalArgumentException("algorithms lists an algorithm twice: " + algorithms);
        }
        if (maxTrackedNonces < 1) {
            throw new IllegalArgumentException("maxTrackedNonces must be at least 1, got " + maxTrackedNonces);
        }
    }

    /** Defaults: 300 s nonces, [SHA-256, MD5], qop="auth", at most 100 000 tracked nonces. */
    public static DigestConfig defaults(String realm) {
        return new DigestConfig(realm, DEFAULT_NONCE_LIFETIME, DEFAULT_ALGORITHMS, true,
                DEFAULT_MAX_TRACKED_NONCES);
    }

    public DigestConfig withNonceLifetime(Duration lifetime) {
        return new DigestConfig(realm, lifetime, algorithms, qopAuth, maxTrackedNonces);
    }

    public DigestConfig withAlgorithms(List<DigestAlgorithm> preferenceOrder) {
        return new DigestConfig(realm, nonceLifetime, preferenceOrder, qopAuth, maxTrackedNonces);
    }

    public DigestConfig withQopAuth(boolean offerQopAuth) {
        return new DigestConfig(realm, nonceLifetime, algorithms, offerQopAuth, maxTrackedNonces);
    }

    public DigestConfig withMaxTrackedNonces(int max) {
        return new DigestConfig(realm, nonceLifetime, algorithms, qopAuth, max);
    }
}
