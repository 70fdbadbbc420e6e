package io.sipfleet.control.route;

/** Calls to numbers starting with {@code prefix} go to {@code gateway}, at most {@code cpsLimit} per second (0 = no limit). */
public record CarrierRoute(long id, long accountId, String name, String prefix, String gateway, int cpsLimit) {
}
