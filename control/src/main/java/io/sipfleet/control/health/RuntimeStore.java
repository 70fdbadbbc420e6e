package io.sipfleet.control.health;

import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/** Owner of {@code server_runtime}: the deploy, the actions and the monitor write through here. */
public final class RuntimeStore {

    private final Jdbi jdbi;

    public RuntimeStore(ControlDatabase db) {
        this.jdbi = db.jdbi();
    }

    public Optional<ServerRuntime> find(long serverId) {
        return jdbi.withExtension(RuntimeDao.class, dao -> dao.find(serverId));
    }

    /** Runs {@code write} on the server's row, creating it first if needed. */
    public void update(long serverId, Consumer<RuntimeDao> write) {
        try {
            jdbi.useExtension(RuntimeDao.class, dao -> dao.insertIfMissing(serverId));
        } catch (RuntimeException e) {
            if (!Transactions.isUniqueViolation(e)) {
                throw e; // a concurrent first write created it: fine
            }
        }
        jdbi.useExtension(RuntimeDao.class, write::accept);
    }
}
