package io.sipfleet.control.cluster;

import io.sipfleet.control.InvalidInputException;
import java.util.Locale;
import java.util.Set;

/**
 * How the members of a cluster behave when the shared store or a member's own share of the
 * capacity runs out: the {@code clustering} block of every member switch's snapshot, with the
 * switch's field names and defaults ({@code io.sipfleet.switching.config.Clustering} documents
 * them). Set on the cluster rather than per server: a member judges the others' room by its own
 * memberChannelLimit, so every member must carry the same values.
 *
 * @param storeFailMode          "closed" (503 while the store is down) or "open" (admit on this
 *                               member's share of the limits). Default "closed".
 * @param memberChannelLimit     calls one member carries at most, 0 = no cap of its own. Default 0.
 * @param capacityFailoverMode   a call over a member's cap goes to a member with room by "redirect"
 *                               (302) or "forward" (proxied). Default "redirect".
 * @param channelLeaseTtlSeconds lifetime of a channel lease in the store; a member reads it at
 *                               start, so a change reaches running members when they restart.
 *                               Default 90.
 */
public record Clustering(String storeFailMode, int memberChannelLimit, String capacityFailoverMode,
                         int channelLeaseTtlSeconds) {

    public static final Clustering DEFAULTS = new Clustering("closed", 0, "redirect", 90);

    static final Set<String> STORE_FAIL_MODES = Set.of("closed", "open");
    static final Set<String> CAPACITY_FAILOVER_MODES = Set.of("redirect", "forward");
    /** Same bound as a server's channels (resize). */
    static final int MAX_MEMBER_CHANNEL_LIMIT = 100_000;
    /** The switch's minimum: leases are refreshed every third of the TTL, at least once a second. */
    static final int MIN_LEASE_TTL_SECONDS = 3;
    /** A dead member's channels stay taken up to the TTL: past a day that is a capacity leak. */
    static final int MAX_LEASE_TTL_SECONDS = 86_400;

    /**
     * A change to these settings as the API receives it: a field left out (null) keeps its value.
     * The JSON names are the switch's in the API's snake_case: store_fail_mode, ...
     */
    public record Change(String storeFailMode, Integer memberChannelLimit, String capacityFailoverMode,
                         Integer channelLeaseTtlSeconds) {
    }

    /**
     * {@code change} applied over this, every value checked; {@code explicitNulls} names the
     * fields (snake_case) the client sent as JSON null, which are refused rather than read as
     * "keep" or "default".
     */
    public Clustering with(Change change, Set<String> explicitNulls) {
        String nulled = explicitNulls.stream().sorted().findFirst().orElse(null);
        if (nulled != null) {
            throw new InvalidInputException("clustering." + nulled, "must not be null; leave it out to keep the current value");
        }
        if (change == null) {
            return this;
        }
        return new Clustering(
                change.storeFailMode() == null ? storeFailMode
                        : oneOf("store_fail_mode", change.storeFailMode(), STORE_FAIL_MODES,
                        "\"closed\" (503 while the store is down) or \"open\" (admit on this member's share of the limits)"),
                change.memberChannelLimit() == null ? memberChannelLimit
                        : between("member_channel_limit", change.memberChannelLimit(), 0, MAX_MEMBER_CHANNEL_LIMIT,
                        " (0 = no cap of the member's own)"),
                change.capacityFailoverMode() == null ? capacityFailoverMode
                        : oneOf("capacity_failover_mode", change.capacityFailoverMode(), CAPACITY_FAILOVER_MODES,
                        "\"redirect\" (302 to a member with room) or \"forward\" (proxied to it)"),
                change.channelLeaseTtlSeconds() == null ? channelLeaseTtlSeconds
                        : between("channel_lease_ttl_seconds", change.channelLeaseTtlSeconds(), MIN_LEASE_TTL_SECONDS,
                        MAX_LEASE_TTL_SECONDS, " seconds"));
    }

    private static String oneOf(String field, String raw, Set<String> allowed, String accepted) {
        String v = raw.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new InvalidInputException("clustering." + field, "must be " + accepted + ", was '"
                    + (raw.length() > 40 ? raw.substring(0, 40) + "..." : raw) + "'");
        }
        return v;
    }

    private static int between(String field, int value, int min, int max, String unit) {
        if (value < min || value > max) {
            throw new InvalidInputException("clustering." + field, "must be " + min + " to " + max + unit + ", was " + value);
        }
        return value;
    }
}
