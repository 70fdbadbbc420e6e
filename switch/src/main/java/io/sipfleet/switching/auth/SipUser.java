package io.sipfleet.switching.auth;

import io.sipfleet.sip.auth.DigestAlgorithm;
import java.util.Objects;

/**
 * A subscriber as authentication sees it: the AoR it may register, the digest user name, and
 * HA1 = H(authUser:realm:password) per hash function (RFC 7616 3.4.2). Never a password: a
 * leaked directory must not hand out passwords, and the switch never needs one.
 *
 * @param aor       canonical AoR ({@link Aors#canonical}), e.g. {@code sip:1001@sipfleet.local}
 * @param authUser  the digest {@code username}
 * @param ha1Md5    32 hex digits for MD5 / MD5-sess, or null
 * @param ha1Sha256 64 hex digits for SHA-256 / SHA-256-sess (RFC 8760), or null
 */
public record SipUser(String aor, String authUser, String ha1Md5, String ha1Sha256) {

    public SipUser {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(authUser, "authUser");
        ha1Md5 = checkHa1(ha1Md5, DigestAlgorithm.MD5, authUser);
        ha1Sha256 = checkHa1(ha1Sha256, DigestAlgorithm.SHA_256, authUser);
        if (ha1Md5 == null && ha1Sha256 == null) {
            throw new IllegalArgumentException("user '" + authUser + "' has neither an MD5 nor a SHA-256 HA1");
        }
    }

    private static String checkHa1(String ha1, DigestAlgorithm algorithm, String user) {
        if (ha1 == null) return null;
        if (ha1.length() != algorithm.hexLength() || !ha1.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            // No value in the message: an HA1 authenticates like a password.
            throw new IllegalArgumentException("user '" + user + "': " + algorithm.token() + " HA1 must be "
                    + algorithm.hexLength() + " hex digits");
        }
        return ha1.toLowerCase(java.util.Locale.ROOT);
    }

    /** The HA1 for the hash function of {@code algorithm} (the -sess variants share it), or null. */
    public String ha1(DigestAlgorithm algorithm) {
        return algorithm.sameHash(DigestAlgorithm.MD5) ? ha1Md5 : ha1Sha256;
    }

    /** Keeps HA1s out of logs and exception messages. */
    @Override public String toString() {
        return "SipUser[aor=" + aor + ", authUser=" + authUser + ", ha1Md5=" + (ha1Md5 == null ? "none" : "***")
                + ", ha1Sha256=" + (ha1Sha256 == null ? "none" : "***") + "]";
    }
}
