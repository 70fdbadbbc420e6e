package io.sipfleet.control.config;

/** A server's configuration snapshot: the JSON a node pulls, and its version (also inside the JSON). */
public record Snapshot(long serverId, long version, String json) {
}
