package io.sipfleet.switching.registrar;

import java.util.Objects;

/**
 * What the registrar needs from the switch configuration (the switch maps its snapshot onto
 * this; a reload builds a new {@link Registrar}, which holds no state of its own).
 *
 * @param realm                  the digest realm (for log lines; the authenticator challenges with it)
 * @param minExpiresSeconds      shortest registration accepted (RFC 3261 10.3 step 7: shorter ones
 *                               get 423 Interval Too Brief with this as Min-Expires), >= 1
 * @param maxExpiresSeconds      longest registration granted; longer requests are shortened, >= min
 * @param defaultExpiresSeconds  granted when neither the contact nor the request names one, min..max
 * @param memberId               this switch's server id: the owner of the bindings it writes
 * @param maxBindingsPerAor      most contacts one AoR may hold, 0 = no limit (more: 403)
 */
public record RegistrarSettings(String realm, int minExpiresSeconds, int maxExpiresSeconds,
                                int defaultExpiresSeconds, String memberId, int maxBindingsPerAor) {

    public RegistrarSettings {
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(memberId, "memberId");
        if (minExpiresSeconds < 1) throw new IllegalArgumentException("minExpiresSeconds must be >= 1: " + minExpiresSeconds);
        if (maxExpiresSeconds < minExpiresSeconds) {
            throw new IllegalArgumentException("maxExpiresSeconds " + maxExpiresSeconds + " is below minExpiresSeconds "
                    + minExpiresSeconds);
        }
        if (defaultExpiresSeconds < minExpiresSeconds || defaultExpiresSeconds > maxExpiresSeconds) {
            throw new IllegalArgumentException("defaultExpiresSeconds " + defaultExpiresSeconds + " is outside "
                    + minExpiresSeconds + ".." + maxExpiresSeconds);
        }
        if (maxBindingsPerAor < 0) throw new IllegalArgumentException("maxBindingsPerAor must be >= 0: " + maxBindingsPerAor);
    }

    /** No limit on bindings per AoR. */
    public RegistrarSettings(String realm, int minExpiresSeconds, int maxExpiresSeconds, int defaultExpiresSeconds,
                             String memberId) {
        this(realm, minExpiresSeconds, maxExpiresSeconds, defaultExpiresSeconds, memberId, 0);
    }

    /** 60 / 3600 / 3600 s, no binding limit. */
    public static RegistrarSettings defaults(String realm, String memberId) {
        return new RegistrarSettings(realm, 60, 3600, 3600, memberId, 0);
    }
}
