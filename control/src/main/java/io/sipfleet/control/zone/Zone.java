package io.sipfleet.control.zone;

/** A zone (also the data-processing region: US or EU) whose hosts run servers. */
public record Zone(String id, String name, String region) {
}
