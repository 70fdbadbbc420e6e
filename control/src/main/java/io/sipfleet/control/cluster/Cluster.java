package io.sipfleet.control.cluster;

import java.time.Instant;
import org.jdbi.v3.core.mapper.Nested;

/**
 * Servers sharing state (registrations, CPS and channel limits) through the cluster store, and
 * how their members behave when the store or a member's capacity runs out.
 */
public record Cluster(long id, long accountId, String name, Instant createdAt, @Nested Clustering clustering) {

    /** The id the nodes use as their cluster scope: fleet-wide unique, unlike the name. */
    public String scopeId() {
        return "cluster-" + id;
    }
}
