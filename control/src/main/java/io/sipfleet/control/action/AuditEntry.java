package io.sipfleet.control.action;

import java.time.Instant;

/** One line of the audit log: who did what to which server, when, and how it ended. */
public record AuditEntry(long id, long accountId, Long serverId, String actor, String action, String detail,
                         String result, String message, Instant startedAt, Instant finishedAt) {
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String REFUSED = "refused";
}
