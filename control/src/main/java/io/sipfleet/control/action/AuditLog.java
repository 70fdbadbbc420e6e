package io.sipfleet.control.action;

import io.sipfleet.control.db.ControlDatabase;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** Owner of {@code audit_log}: appends and account-scoped reads (newest first). */
public final class AuditLog {

    private final Jdbi jdbi;

    public AuditLog(ControlDatabase db) {
        this.jdbi = db.jdbi();
        jdbi.registerRowMapper(ConstructorMapper.factory(AuditEntry.class));
    }

    public AuditEntry append(long accountId, Long serverId, String actor, String action, String detail,
                             String result, String message, Instant started, Instant finished) {
        return jdbi.withHandle(h -> {
            long id = h.createUpdate("""
                            INSERT INTO audit_log (account_id, server_id, actor, action, detail, result, message,
                                                   started_at, finished_at)
                            VALUES (:a, :s, :actor, :action, :detail, :result, :message, :started, :finished)""")
                    .bind("a", accountId).bind("s", serverId).bind("actor", cut(actor, 200)).bind("action", action)
                    .bind("detail", cut(detail, 500)).bind("result", result).bind("message", cut(message, 1000))
                    .bind("started", started).bind("finished", finished)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return h.createQuery("SELECT * FROM audit_log WHERE id = :id").bind("id", id).mapTo(AuditEntry.class).one();
        });
    }

    public List<AuditEntry> forAccount(long accountId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM audit_log WHERE account_id = :a ORDER BY id DESC LIMIT :n")
                .bind("a", accountId).bind("n", limit).mapTo(AuditEntry.class).list());
    }

    public List<AuditEntry> forServer(long accountId, long serverId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM audit_log WHERE account_id = :a AND server_id = :s ORDER BY id DESC LIMIT :n")
                .bind("a", accountId).bind("s", serverId).bind("n", limit).mapTo(AuditEntry.class).list());
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
