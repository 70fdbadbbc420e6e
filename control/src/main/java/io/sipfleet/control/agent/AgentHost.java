package io.sipfleet.control.agent;

import java.time.Instant;

/** A host with the URL of its agent (null until an agent registered) and when it was last heard of. */
public record AgentHost(long id, String zoneId, String name, String address, String agentUrl, Instant agentSeenAt) {
}
