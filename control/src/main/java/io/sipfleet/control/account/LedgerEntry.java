package io.sipfleet.control.account;

import java.time.Instant;
import java.time.LocalDate;

/** One movement of money; the balance is the sum of {@code amountCents} (charges are negative). */
public record LedgerEntry(
        long id,
        long accountId,
        String kind,
        long amountCents,
        Long serverId,
        LocalDate chargeDate,
        String note,
        Instant createdAt) {

    public static final String TOP_UP = "top_up";
    public static final String SERVER_CHARGE = "server_charge";
    public static final String REFUND = "refund";
}
