package io.sipfleet.switching.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user directory built once from the configuration's user list and never changed: a reload
 * builds a new one and swaps it in ({@link SwappableUserDirectory}), so a lookup never sees half
 * a reload. Two plain maps, read-only after construction, hence safe to share across threads.
 */
public final class StaticUserDirectory implements UserDirectory {
    public static final StaticUserDirectory EMPTY = new StaticUserDirectory(List.of());

    private final Map<String, SipUser> byAuthUser;
    private final Map<String, SipUser> byAor;

    /**
     * @param users each user's {@code aor} may be any sip/sips spelling: it is canonicalised
     *     ({@link Aors#canonical}) here
     * @throws IllegalArgumentException on a duplicate auth user or AoR (after canonicalisation),
     *     or an AoR that is not a sip/sips URI with a user part
     */
    public StaticUserDirectory(List<SipUser> users) {
        Map<String, SipUser> auth = new HashMap<>(users.size() * 2);
        Map<String, SipUser> aors = new HashMap<>(users.size() * 2);
        for (SipUser u : users) {
            SipUser c = new SipUser(Aors.canonical(u.aor()), u.authUser(), u.ha1Md5(), u.ha1Sha256());
            if (auth.putIfAbsent(c.authUser(), c) != null) {
                throw new IllegalArgumentException("auth user '" + c.authUser() + "' is listed twice");
            }
            if (aors.putIfAbsent(c.aor(), c) != null) {
                throw new IllegalArgumentException("AoR '" + c.aor() + "' is listed twice");
            }
        }
        this.byAuthUser = Map.copyOf(auth);
        this.byAor = Map.copyOf(aors);
    }

    @Override public Optional<SipUser> byAuthUser(String authUser) {
        return Optional.ofNullable(byAuthUser.get(authUser));
    }

    @Override public Optional<SipUser> byAor(String aor) {
        return Optional.ofNullable(byAor.get(aor));
    }

    public int size() { return byAuthUser.size(); }

    @Override public String toString() { return "StaticUserDirectory[" + size() + " users]"; }
}
