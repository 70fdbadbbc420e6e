package io.sipfleet.switching.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * The directory the authenticator holds for its whole life; a configuration reload
 * {@link #replace}s what it delegates to in one volatile write. A request in flight finishes
 * with whichever directory it read (each lookup is one read).
 */
public final class SwappableUserDirectory implements UserDirectory {
    private volatile UserDirectory current;

    public SwappableUserDirectory(UserDirectory initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    /** Swaps in {@code next} and returns the directory it replaced. */
    public UserDirectory replace(UserDirectory next) {
        UserDirectory previous = current;
        current = Objects.requireNonNull(next, "next");
        return previous;
    }

    public UserDirectory current() { return current; }

    @Override public Optional<SipUser> byAuthUser(String authUser) { return current.byAuthUser(authUser); }

    @Override public Optional<SipUser> byAor(String aor) { return current.byAor(aor); }
}
