package io.sipfleet.control.zone;

/** A machine in a zone; later it runs an agent that starts the servers placed on it. */
public record Host(long id, String zoneId, String name, String address) {
}
