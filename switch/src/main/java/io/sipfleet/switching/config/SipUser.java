package io.sipfleet.switching.config;

/**
 * A subscriber allowed to register and call. Only digest HA1 hashes are kept, never the
 * clear-text password (a {@code password} field is refused): compute them with
 * {@code ./sipfleet ha1 <user> <realm>}, i.e. hex(H(authUser ":" realm ":" password)).
 *
 * @param aor       address of record, a sip URI with a user part, e.g. {@code "sip:1001@sipfleet.local"}.
 *                  Unique. Required.
 * @param authUser  digest username the phone authenticates with, usually the AoR's user part.
 *                  Unique. Required.
 * @param ha1Md5    HA1 for MD5 / MD5-sess challenges: 32 lowercase hex digits. Default null.
 * @param ha1Sha256 HA1 for SHA-256 / SHA-256-sess challenges (RFC 8760): 64 lowercase hex digits.
 *                  Default null. At least one of the two HA1s is required; a user with only one
 *                  is challenged only with that algorithm.
 */
public record SipUser(
        String aor,
        String authUser,
        @Default("null") String ha1Md5,
        @Default("null") String ha1Sha256) {

    /** Keeps HA1s out of logs and exception messages: they authenticate like a password. */
    @Override
    public String toString() {
        return "SipUser[aor=" + aor + ", authUser=" + authUser
                + ", ha1Md5=" + (ha1Md5 == null ? "none" : "***")
                + ", ha1Sha256=" + (ha1Sha256 == null ? "none" : "***") + "]";
    }
}
