package io.sipfleet.control.db;

import java.sql.SQLException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** Transactions that retry when they lost a race on a unique key (e.g. two deploys taking the same address). */
public final class Transactions {

    private static final int ATTEMPTS = 5;

    private Transactions() {
    }

    public static <T, X extends Exception> T inTransactionRetrying(Jdbi jdbi, HandleCallback<T, X> work) throws X {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(work);
            } catch (JdbiException e) {
                if (attempt >= ATTEMPTS || !isRetryable(e)) {
                    throw e;
                }
            }
        }
    }

    /** Unique violation (23505), serialization failure (40001) or deadlock (40P01): run again. */
    static boolean isRetryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.equals("23505") || state.equals("40001") || state.equals("40P01");
            }
        }
        return false;
    }

    /** True if {@code e} is a unique-key violation: callers turn it into a 409 naming the field. */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
