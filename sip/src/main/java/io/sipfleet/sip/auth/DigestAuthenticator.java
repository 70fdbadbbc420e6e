package io.sipfleet.sip.auth;

import io.sipfleet.sip.auth.DigestResult.Status;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Server side of Digest: issues challenges and verifies credentials against a stored HA1
 * (RFC 3261 section 22.4, RFC 7616 section 3.3/3.4, RFC 8760 section 2.3). Thread-safe.
 *
 * <p>Nonces are stateless ({@link NonceCodec}): any node configured with the same secret and
 * realm verifies them. Only nonce-count tracking is per node, so with several nodes behind a load
 * balancer a captured qop=auth request could be replayed once on another node; keep a client
 * pinned to a node (the usual flow affinity of SIP) to close that.
 *
 * <p>Credentials without qop (RFC 2069 style, still sent by many SIP phones) carry no nc, so
 * there is nothing to track: such a nonce is accepted any number of times until it expires, and a
 * captured request can be replayed within the nonce lifetime. Tracking "used once" instead would
 * break those phones, which reuse the nonce for every request; the short default lifetime
 * (300 s) bounds the window, and offering qop="auth" lets capable phones do better.
 */
public final class DigestAuthenticator {

    private static final List<String> QOP_AUTH = List.of("auth");

    private final DigestConfig config;
    private final Clock clock;
    private final NonceCodec nonces;
    private final NonceTracker tracker;
    private final long lifetimeMillis;
    /**
     * Per offered algorithm (config order), the challenge's header value around its nonce:
     * [i][0] before it, [i][1] after it without stale, [i][2] after it with stale=true. Rendered
     * once by {@link DigestChallenge#toHeaderValue}, so a 401 costs a nonce and one concatenation.
     */
    private final String[][] challengeParts;

    /** An authenticator with the system UTC clock and a random 32-byte secret (single node). */
    public DigestAuthenticator(DigestConfig config) {
        this(config, Clock.systemUTC(), randomSecret());
    }

    /**
     * @param secret the nonce MAC key, at least 16 bytes; give every node of a cluster the same
     *     one so each verifies the nonces of the others
     */
    public DigestAuthenticator(DigestConfig config, Clock clock, byte[] secret) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nonces = new NonceCodec(secret.clone(), config.realm(), new SecureRandom());
        this.lifetimeMillis = config.nonceLifetime().toMillis();
        this.tracker = new NonceTracker(lifetimeMillis, config.maxTrackedNonces());
        this.challengeParts = new String[config.algorithms().size()][];
        List<String> qop = config.qopAuth() ? QOP_AUTH : List.of();
        for (int i = 0; i < challengeParts.length; i++) {
            DigestAlgorithm algorithm = config.algorithms().get(i);
            String plain = new DigestChallenge(config.realm(), "", nonces.opaque(), algorithm, qop, false, false)
                    .toHeaderValue();
            String stale = new DigestChallenge(config.realm(), "", nonces.opaque(), algorithm, qop, true, false)
                    .toHeaderValue();
            int at = plain.indexOf("nonce=\"\"") + "nonce=\"".length(); // the realm is quoted first, escaped
            challengeParts[i] = new String[] {plain.substring(0, at), plain.substring(at), stale.substring(at)};
        }
    }

    private static byte[] randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    public DigestConfig config() {
        return config;
    }

    /**
     * Fresh challenges, one per configured algorithm in preference order, each with its own
     * nonce: put them in that order into the 401 (WWW-Authenticate) or 407 (Proxy-Authenticate),
     * one header field each (RFC 8760 section 2.3).
     *
     * @param stale whether the previous credentials failed only by an expired nonce
     */
    public List<DigestChallenge> challenge(boolean stale) {
        long now = clock.millis();
        List<String> qop = config.qopAuth() ? QOP_AUTH : List.of();
        List<DigestChallenge> challenges = new ArrayList<>(config.algorithms().size());
        for (DigestAlgorithm algorithm : config.algorithms()) {
            challenges.add(new DigestChallenge(config.realm(), nonces.mint(now), nonces.opaque(),
                    algorithm, qop, stale, false));
        }
        return List.copyOf(challenges);
    }

    /**
     * As {@link #challenge}, rendered as header values ({@link DigestChallenge#toHeaderValue}'s
     * text, from parts rendered once: nonces are base64url, nothing in them to quote).
     */
    public List<String> challengeHeaderValues(boolean stale) {
        long now = clock.millis();
        int after = stale ? 2 : 1;
        if (challengeParts.length == 1) {
            return List.of(challengeParts[0][0] + nonces.mint(now) + challengeParts[0][after]);
        }
        String[] values = new String[challengeParts.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = challengeParts[i][0] + nonces.mint(now) + challengeParts[i][after];
        }
        return List.of(values);
    }

    /**
     * Verifies credentials. The checks run so that STALE is only reported for a response that is
     * otherwise right, as stale=true tells the client to retry silently (RFC 7616 section 3.3).
     * The caller looks up the user (by {@code c.username()}, or by {@link Ha1#userhash} when
     * {@code c.userhash()}) and should also check that {@code c.uri()} names the Request-URI.
     *
     * @param method the method on the request line (HA2 = H(method:digest-uri))
     * @param ha1Hex the stored HA1 of the user for the hash function of {@code c.algorithm()}
     * @throws IllegalArgumentException if {@code ha1Hex} does not fit {@code c.algorithm()}
     */
    public DigestResult verify(DigestCredentials c, String method, String ha1Hex) {
        if (!config.realm().equals(c.realm())) {
            return DigestResult.of(Status.REALM_MISMATCH,
                    "realm '" + c.realm() + "' is not '" + config.realm() + "'");
        }
        if (!config.algorithms().contains(c.algorithm())) {
            return DigestResult.of(Status.UNSUPPORTED_ALGORITHM,
                    "algorithm " + c.algorithm().token() + " is not offered " + tokens());
        }
        if (c.qop() != null && !c.qop().equals("auth")) {
            return DigestResult.of(Status.UNSUPPORTED_QOP, "qop '" + c.qop() + "' is not supported, only 'auth'");
        }
        long issuedAt = nonces.issuedAt(c.nonce());
        if (issuedAt < 0) {
            return DigestResult.of(Status.BAD_NONCE, "nonce '" + c.nonce() + "' was not issued for this realm");
        }
        if (c.opaque() != null && !c.opaque().equals(nonces.opaque())) {
            return DigestResult.of(Status.BAD_NONCE, "opaque '" + c.opaque() + "' was not issued for this realm");
        }
        byte[] expected = DigestResponse.computeAscii(c.algorithm(), ha1Hex, c.nonce(), c.cnonce(),
                c.nc(), c.qop(), method, c.uri());
        if (!hexEquals(expected, c.response())) {
            return DigestResult.of(Status.WRONG_RESPONSE, "response does not match for user '" + c.username()
                    + "' (" + c.algorithm().token() + ")");
        }
        long now = clock.millis();
        long age = now - issuedAt;
        if (age > lifetimeMillis) {
            return DigestResult.of(Status.STALE, "nonce expired " + (age - lifetimeMillis) + " ms ago");
        }
        if (age < -lifetimeMillis) {
            // Ours, yet issued "in the future" beyond any sane clock skew between nodes.
            return DigestResult.of(Status.BAD_NONCE, "nonce issued " + (-age) + " ms in the future");
        }
        if (c.qop() == null) {
            return DigestResult.OK; // RFC 2069 style: reusable until expiry, see class comment
        }
        return switch (tracker.accept(c.nonce(), issuedAt, c.nc(), now)) {
            case ACCEPTED -> DigestResult.OK;
            case REPLAY -> DigestResult.of(Status.REPLAY, "nonce-count " + Hex.eightDigits(c.nc())
                    + " not above " + Hex.eightDigits(tracker.highestNc(c.nonce())) + " for this nonce");
            case EVICTED -> DigestResult.of(Status.STALE,
                    "nonce dropped from replay tracking (its slot of " + config.maxTrackedNonces()
                            + " taken by a newer nonce)");
        };
    }

    /**
     * Whether {@code actual} (hex digits in either case, as {@link DigestCredentials#parse} checked)
     * spells {@code expected} (lowercase hex ASCII). Constant time: an early exit would leak how
     * much of a guess was right; {@code | 0x20} lowercases a hex letter and leaves a digit as it is.
     */
    private static boolean hexEquals(byte[] expected, String actual) {
        if (actual.length() != expected.length) return false; // the algorithm's length: nothing secret
        int diff = 0;
        for (int i = 0; i < expected.length; i++) diff |= expected[i] ^ (actual.charAt(i) | 0x20);
        return diff == 0;
    }

    /** How many live nonces have their nonce-count tracked: a scan of the whole table, for tests and diagnostics. */
    public int trackedNonces() {
        return tracker.size();
    }

    private String tokens() {
        return config.algorithms().stream().map(DigestAlgorithm::token).toList().toString();
    }
}
