package io.sipfleet.control.server;

/** What a customer asks for: type ("switch" or "dispatcher"), zone id, and optionally a cluster. */
public record DeployRequest(String type, String zone, Long clusterId) {
}
