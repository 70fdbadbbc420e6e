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
        Instant expiresAt) {

    public static final String SWITCH = "switch";
    public static final String DISPATCHER = "dispatcher";

    public static final String DEPLOYING = "deploying";
    public static final String RUNNING = "running";
    public static final String FAILED = "failed";

    /** The node's name in the fleet (the switch's serverId): stable, derived from the id. */
    public String serverId() {
        return type + "-" + id;
    }
}
