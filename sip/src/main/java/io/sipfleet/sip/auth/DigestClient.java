package io.sipfleet.sip.auth;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Client side of Digest ("UAC authentication", RFC 3261 section 22.2/22.3): answers a challenge
 * from an upstream registrar or proxy with an Authorization / Proxy-Authorization value.
 *
 * <p>Counts nc for the most recent nonce, so the same challenge can be reused for the following
 * requests (RFC 7616 section 3.4: nc counts the requests sent with a nonce) until the server
 * answers stale=true. Use one client per upstream account and realm. Thread-safe.
 */
public final class DigestClient {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final String password; // null when built from an HA1
    private final DigestAlgorithm ha1Algorithm; // null when built from a password
    private final String ha1Hex;
    private final Supplier<String> cnonces;
    private String lastNonce; // guarded by this
    private long lastNc; // guarded by this

    DigestClient(String username, String password, DigestAlgorithm ha1Algorithm, String ha1Hex,
            Supplier<String> cnonces) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = password;
        this.ha1Algorithm = ha1Algorithm;
        this.ha1Hex = ha1Hex;
        this.cnonces = cnonces;
    }

    /** A client that knows the clear-text password, so it can answer any algorithm and realm. */
    public static DigestClient withPassword(String username, String password) {
        return new DigestClient(username, Objects.requireNonNull(password, "password"), null, null,
                DigestClient::randomCnonce);
    }

    /**
     * A client that only knows HA1 = H(username:realm:password) for one hash function and one
     * realm (the realm is baked into HA1 and cannot be checked); it answers only challenges of
     * that hash function.
     */
    public static DigestClient withHa1(String username, DigestAlgorithm algorithm, String ha1Hex) {
        if (ha1Hex.length() != algorithm.hexLength() || !Hex.isHex(ha1Hex)) {
            throw new IllegalArgumentException("HA1 for " + algorithm.token() + " must be "
                    + algorithm.hexLength() + " hex digits");
        }
        return new DigestClient(username, null, algorithm, ha1Hex, DigestClient::randomCnonce);
    }

    /**
     * Whether this client can answer {@code challenge}: it needs qop "auth" or no qop (auth-int
     * would need the body), a -sess algorithm only with qop (cnonce exists only with qop,
     * RFC 7616 section 3.4), and, for an HA1 client, the hash function of its HA1.
     */
    public boolean supports(DigestChallenge challenge) {
        boolean qopOk = challenge.qop().isEmpty() || challenge.offersAuth();
        boolean sessOk = !challenge.algorithm().session() || challenge.offersAuth();
        boolean hashOk = ha1Algorithm == null || ha1Algorithm.sameHash(challenge.algorithm());
        return qopOk && sessOk && hashOk;
    }

    /**
     * The challenge to answer among the WWW-Authenticate (or Proxy-Authenticate) values of one
     * response: the topmost one this client supports (RFC 8760 section 2.4, RFC 7616 section
     * 3.7). Values of other schemes, unparsable ones and unknown algorithms are skipped.
     */
    public Optional<DigestChallenge> choose(List<String> challengeHeaderValues) {
        for (String value : challengeHeaderValues) {
            try {
                DigestChallenge challenge = DigestChallenge.parse(value);
                if (supports(challenge)) {
                    return Optional.of(challenge);
                }
            } catch (DigestParseException skipped) {
                // e.g. "Basic realm=..." or algorithm=SHA-512-256: try the next one
            }
        }
        return Optional.empty();
    }

    /** Parses {@code challengeHeaderValue} and answers it; see {@link #authorize(DigestChallenge, String, String)}. */
    public String authorize(String challengeHeaderValue, String method, String uri) throws DigestParseException {
        return authorize(DigestChallenge.parse(challengeHeaderValue), method, uri);
    }

    /**
     * The Authorization (or Proxy-Authorization) value answering {@code challenge} for a request
     * with {@code method} and Request-URI {@code uri}.
     *
     * @throws IllegalArgumentException if {@link #supports} is false for the challenge
     */
    public String authorize(DigestChallenge challenge, String method, String uri) {
        return credentials(challenge, method, uri).toHeaderValue();
    }

    /** As {@link #authorize(DigestChallenge, String, String)}, but as a record. */
    public DigestCredentials credentials(DigestChallenge challenge, String method, String uri) {
        if (!supports(challenge)) {
            throw new IllegalArgumentException("cannot answer " + challenge.algorithm().token()
                    + " challenge with qop " + challenge.qop()
                    + (ha1Algorithm == null ? "" : " using an HA1 for " + ha1Algorithm.token()));
        }
        DigestAlgorithm algorithm = challenge.algorithm();
        String realm = challenge.realm();
        String ha1 = password != null ? Ha1.compute(algorithm, username, realm, password) : ha1Hex;
        String qop = challenge.offersAuth() ? "auth" : null;
        String cnonce = qop == null ? null : cnonces.get();
        long nc = qop == null ? 0 : nextNc(challenge.nonce());
        String response = DigestResponse.compute(algorithm, ha1, challenge.nonce(), cnonce, nc, qop, method, uri);
        // With userhash=true offered, hide the user name from eavesdroppers (RFC 7616 3.4.4).
        String user = challenge.userhash() ? Ha1.userhash(algorithm, username, realm) : username;
        return new DigestCredentials(user, realm, challenge.nonce(), uri, response, algorithm, cnonce,
                challenge.opaque(), qop, nc, challenge.userhash());
    }

    private synchronized long nextNc(String nonce) {
        if (!nonce.equals(lastNonce)) {
            lastNonce = nonce;
            lastNc = 0;
        }
        if (lastNc == 0xffff_ffffL) {
            throw new IllegalStateException("nonce-count exhausted for this nonce; a fresh challenge is needed");
        }
        return ++lastNc;
    }

    /**
     * 128 random bits in hex: the cnonce exists to defeat chosen-plaintext attacks by the server
     * side (RFC 7616 section 3.4), which only works if it is unpredictable.
     */
    private static String randomCnonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Hex.encode(bytes);
    }
}
