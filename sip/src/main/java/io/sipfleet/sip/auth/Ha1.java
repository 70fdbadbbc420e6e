package io.sipfleet.sip.auth;

/**
 * HA1 = H(username ":" realm ":" password), the only secret a registrar needs to keep
 * (RFC 7616 section 3.4.2). Storing HA1 rather than the password means a leaked user table does
 * not reveal passwords, though an HA1 still authenticates for its realm, so treat it as a secret.
 *
 * <p>HA1 depends on the hash function: keep one per function (MD5 and SHA-256) for every user,
 * since a client may answer any challenge offered (RFC 8760 section 2.4). The {@code -sess} algorithms reuse the
 * HA1 of their hash function; the session re-keying happens at verification.
 */
public final class Ha1 {

    private Ha1() {}

    /** Lowercase hex of H(username:realm:password) with the hash function of {@code algorithm}. */
    public static String compute(DigestAlgorithm algorithm, String username, String realm, String password) {
        return algorithm.hashHex(username, realm, password);
    }

    /**
     * The hashed username H(username:realm) a client sends with {@code userhash=true}
     * (RFC 7616 section 3.4.4); a registrar indexes its users by it to find the HA1.
     */
    public static String userhash(DigestAlgorithm algorithm, String username, String realm) {
        return algorithm.hashHex(username, realm);
    }

    /**
     * The HA1 that enters the response: HA1 itself, or for a {@code -sess} algorithm
     * H(HA1:nonce:cnonce) with HA1 in hex (RFC 7616 section 3.4.2; RFC 2617 erratum 1649).
     */
    static String session(DigestAlgorithm algorithm, String ha1Hex, String nonce, String cnonce) {
        return algorithm.session() ? algorithm.hashHex(ha1Hex, nonce, cnonce) : ha1Hex;
    }
}
