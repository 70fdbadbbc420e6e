package io.sipfleet.control.cluster;

import java.time.Instant;

/** Servers sharing state (registrations, CPS and channel limits) through the cluster store. */
public record Cluster(long id, long accountId, String name, Instant createdAt) {

    /** The id the nodes use as their cluster scope: fleet-wide unique, unlike the name. */
    public String scopeId() {
        return "cluster-" + id;
    }
}
