package io.sipfleet.control.health;

import java.time.Instant;

/** Control's live view of one server (row of {@code server_runtime}); any field may be null until measured. */
public record ServerRuntime(long serverId, String statusReason, String version, Long appliedConfigVersion,
                            Double sipLatencyMs, Double tcpLatencyMs, Integer channelsInUse, Instant probedAt,
                            Double icmpLatencyMs) {
}
