package io.sipfleet.cluster;

import io.sipfleet.cluster.limits.CallAdmission;
import io.sipfleet.cluster.limits.ChannelCounter;
import io.sipfleet.cluster.limits.CpsLimiter;
import io.sipfleet.cluster.limits.InMemoryChannelCounter;
import io.sipfleet.cluster.limits.InMemoryCpsLimiter;
import io.sipfleet.cluster.location.InMemoryLocationStore;
import io.sipfleet.cluster.location.LocationStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The state a switch shares with the other switches of its cluster, as one set: created once per
 * process (in memory for one node and {@code sipfleet up}, on Redis for a fleet through
 * {@link RedisClusterState#connect}) and handed to the switch. Each piece has one owner: the registrar writes {@code location}, call admission uses
 * {@code cps} and {@code channels}, and {@code admission}, which checks a new call's CPS windows and
 * takes its channel in one operation (one round trip on Redis; the two limiters in turn otherwise).
 */
public record ClusterState(LocationStore location, CpsLimiter cps, ChannelCounter channels, StoreHealth health,
                           CallAdmission admission) {

    /**
     * Channel lease TTL when none is given: the switch refreshes live dialogs every 30 s, so a lease
     * survives two missed refreshes, and a dead switch's channels are free within 90 s.
     */
    public static final Duration DEFAULT_CHANNEL_LEASE_TTL = Duration.ofSeconds(90);

    public ClusterState {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(cps, "cps");
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(admission, "admission");
    }

    /** Admission through {@code cps} then {@code channels}, one after the other. */
    public ClusterState(LocationStore location, CpsLimiter cps, ChannelCounter channels, StoreHealth health) {
        this(location, cps, channels, health, CallAdmission.of(cps, channels));
    }

    /** State that lives in this process (or whose store has no health to report). */
    public ClusterState(LocationStore location, CpsLimiter cps, ChannelCounter channels) {
        this(location, cps, channels, StoreHealth.ALWAYS);
    }

    /** One node's state, all on {@code clock} (tests pass a controllable one). */
    public static ClusterState inMemory(Clock clock) {
        return inMemory(clock, DEFAULT_CHANNEL_LEASE_TTL);
    }

    public static ClusterState inMemory(Clock clock, Duration channelLeaseTtl) {
        return new ClusterState(new InMemoryLocationStore(clock), new InMemoryCpsLimiter(clock),
                new InMemoryChannelCounter(clock, channelLeaseTtl));
    }

    /**
     * Housekeeping of all three: expired bindings (with their listener events), idle CPS scopes,
     * expired channel leases. The owner calls it on a timer, every second or few; nothing is wrong
     * between two calls, only held longer. Completes with the number of entries dropped.
     */
    public CompletionStage<Integer> sweep() {
        return location.sweep()
                .thenCombine(cps.sweep(), Integer::sum)
                .thenCombine(channels.sweep(), Integer::sum);
    }
}
