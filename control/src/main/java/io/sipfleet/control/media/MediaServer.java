package io.sipfleet.control.media;

import java.time.Instant;

/** An RTP server (media relay) of the platform, as it registered (row of {@code media_server}). */
public record MediaServer(long id, String address, String aliases, String zoneId, Instant registeredAt,
                          Instant lastSeenAt) {
}
