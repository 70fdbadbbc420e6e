package io.sipfleet.control.server;

import java.time.Instant;

/** A server: one node process (switch or dispatcher) with its own address (row of {@code server}). */
public record Server(
        long id,
        long accountId,
        String type,
        String zoneId,
        long hostId,
        Long clusterId,
        String address,
        int sipPort,
        String status,
        int channelsMax,
        int cpsMax,
        long configVersion,
        Instant createdAt,
        Instant expiresAt,
        String serviceState,
        String plan) {

    public static final String SWITCH = "switch";
    public static final String DISPATCHER = "dispatcher";

    public static final String DEPLOYING = "deploying";
    public static final String RUNNING = "running";
    public static final String FAILED = "failed";
    public static final String EXPIRED = "expired";
    public static final String SUSPENDED = "suspended";

    /** Billing's view (column service_state): active, or expired / suspended, which stop new calls. */
    public static final String ACTIVE = "active";
    /** Plans: "test" (free until expiresAt), "paid" (charged daily; expiresAt = paid through). */
    public static final String TEST_PLAN = "test";
    public static final String PAID_PLAN = "paid";

    /**
     * What the list shows: expired or suspended when billing stopped the server, else the
     * runtime status (deploying, running, stopped, failed).
     */
    public String effectiveStatus() {
        return serviceState == null || ACTIVE.equals(serviceState) ? status : serviceState;
    }

    /** The node's name in the fleet (the switch's serverId): stable, derived from the id. */
    public String serverId() {
        return type + "-" + id;
    }
}
