package io.sipfleet.control.account;

import java.time.Instant;

/** A customer account (row of {@code account}). */
public record Account(
        long id,
        String name,
        String sipRealm,
        String contactName,
        String contactEmail,
        String contactPhone,
        Instant termsAcceptedAt,
        Instant createdAt) {
}
