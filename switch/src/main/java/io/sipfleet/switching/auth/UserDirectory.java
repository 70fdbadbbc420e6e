package io.sipfleet.switching.auth;

import java.util.Optional;

/**
 * The subscribers of the switch. Lookups run on event loops for every authenticated request:
 * implementations answer from memory, never block.
 */
public interface UserDirectory {

    /** The user whose digest {@code username} this is. */
    Optional<SipUser> byAuthUser(String authUser);

    /** The user owning this AoR, in canonical form ({@link Aors#canonical}). */
    Optional<SipUser> byAor(String aor);
}
