package io.sipfleet.control.sipuser;

import java.time.Instant;

/** A subscriber the account's switches authenticate; only HA1 digests, never the password. */
public record SipUser(long id, long accountId, String username, String ha1Md5, String ha1Sha256, Instant createdAt) {

    /** Keeps HA1s out of logs: they authenticate like a password. */
    @Override
    public String toString() {
        return "SipUser[id=" + id + ", username=" + username + "]";
    }
}
