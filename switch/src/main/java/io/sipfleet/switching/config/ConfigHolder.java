package io.sipfleet.switching.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch's current configuration snapshot. Readers call {@link #current()} (one volatile
 * read, no lock) on every use and so always see one whole snapshot, never a mix of two.
 *
 * <p>{@link #apply} replaces it atomically, after validation; a bad, older, or conflicting
 * snapshot is refused and logged and the running one stays. Listeners are told after the swap.
 * To follow changes: {@link #subscribe} first, then read {@link #current()}, so no change
 * between the two is missed.
 */
public final class ConfigHolder {

    private static final Logger log = LoggerFactory.getLogger(ConfigHolder.class);

    private final AtomicReference<SwitchConfig> current;
    private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
    /** Serialises applies so listeners see snapshots in the order they became current. */
    private final ReentrantLock applyLock = new ReentrantLock();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** Starts with {@code initial}, which must be valid. */
    public ConfigHolder(SwitchConfig initial) throws ConfigException {
        initial.validate();
        this.current = new AtomicReference<>(initial);
        log.info("config v{} loaded for server {}", initial.version(), initial.serverId());
    }

    /** The snapshot in force. */
    public SwitchConfig current() {
        return current.get();
    }

    /**
     * Makes {@code next} current if it is valid, not older than the current one, for the same
     * server, and, at the same version, identical (then nothing happens). Never throws for a
     * bad snapshot: the result says what happened and the refusal is logged.
     */
    public ApplyResult apply(SwitchConfig next) {
        Objects.requireNonNull(next, "next");
        applyLock.lock();
        try {
            SwitchConfig prev = current.get();
            String refusal = refusal(prev, next);
            if (refusal != null) {
                refused.incrementAndGet();
                log.error("config v{} refused, still running v{}: {}", next.version(), prev.version(), refusal);
                return new ApplyResult(ApplyResult.Outcome.REFUSED, prev.version(), refusal);
            }
            if (next.equals(prev)) {
                log.debug("config v{} unchanged", next.version());
                return new ApplyResult(ApplyResult.Outcome.UNCHANGED, prev.version(), "same version and content");
            }
            current.set(next);
            applied.incrementAndGet();
            log.info("config v{} applied (was v{}); changed: {}", next.version(), prev.version(),
                    String.join(", ", changedFields(prev, next)));
            for (ConfigListener l : listeners) {
                try {
                    l.configChanged(prev, next);
                } catch (RuntimeException e) {
                    log.error("config listener {} failed on v{}; other listeners still run", l, next.version(), e);
                }
            }
            return new ApplyResult(ApplyResult.Outcome.APPLIED, next.version(), "applied");
        } finally {
            applyLock.unlock();
        }
    }

    private static String refusal(SwitchConfig prev, SwitchConfig next) {
        try {
            next.validate();
        } catch (ConfigException e) {
            return "invalid: " + e.getMessage();
        }
        if (next.version() < prev.version()) {
            return "version " + next.version() + " is older than the running " + prev.version()
                    + "; versions must not go backwards";
        }
        if (!next.serverId().equals(prev.serverId())) {
            return "serverId cannot change at runtime (running " + prev.serverId() + ", got "
                    + next.serverId() + "); restart with the new file";
        }
        if (next.transactionLingerSeconds() != prev.transactionLingerSeconds()) {
            // The transaction layer is built with it: a reload that took it would change nothing.
            return "transactionLingerSeconds cannot change at runtime (running " + prev.transactionLingerSeconds()
                    + ", got " + next.transactionLingerSeconds() + "); restart with the new file";
        }
        if (next.version() == prev.version() && !next.equals(prev)) {
            return "version " + next.version() + " is already running with different content ("
                    + String.join(", ", changedFields(prev, next)) + "); bump the version";
        }
        return null;
    }

    /** Names of the top-level fields that differ: what the "applied" log line shows. */
    static List<String> changedFields(SwitchConfig a, SwitchConfig b) {
        List<String> changed = new ArrayList<>();
        for (RecordComponent c : SwitchConfig.class.getRecordComponents()) {
            try {
                if (!Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
                    changed.add(c.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return changed;
    }

    /**
     * Records a candidate snapshot that could not even be parsed (a broken file): logged and
     * counted as refused like any other, and the running snapshot stays.
     */
    public void reportUnusable(String source, ConfigException problem) {
        refused.incrementAndGet();
        log.error("config from {} refused, still running v{}: {}", source, current.get().version(),
                problem.getMessage());
    }

    /**
     * Calls {@code listener} after every applied snapshot until the returned handle is closed.
     */
    public Subscription subscribe(ConfigListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Snapshots applied since start (the initial one not counted). */
    public long appliedCount() {
        return applied.get();
    }

    /** Snapshots refused since start. */
    public long refusedCount() {
        return refused.get();
    }
}
