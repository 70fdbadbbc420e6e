package io.sipfleet.switching.config;

import io.sipfleet.sip.reload.FileStamp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config file into a {@link ConfigHolder} on SIGHUP and when the file changes.
 *
 * <p>Change detection polls modification time, size and file key (inode) every interval rather
 * than using a WatchService: polling also sees a file replaced by rename or through a swapped
 * symlink (Kubernetes ConfigMaps, deploy tools) and costs one stat per second. A half-written
 * file fails to parse, is logged and left; the write that completes it changes the stamp again
 * and is picked up on the next poll.
 */
public final class ConfigFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigFileWatcher.class);

    private final Path file;
    private final ConfigHolder holder;
    private final Duration interval;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final Thread poller;
    private final Subscription hangup;
    /**
     * Stamp of the file last read, good or bad. Taken at start: the caller has just loaded the
     * file, and reading it again on the first poll only logged a spurious "changed; reloading".
     */
    private FileStamp lastSeen;
    private volatile boolean closed;


    private ConfigFileWatcher(Path file, ConfigHolder holder, Duration interval, boolean onSighup) {
        this.file = file.toAbsolutePath();
        this.holder = holder;
        this.interval = interval;
        this.lastSeen = FileStamp.of(file);
        this.hangup = onSighup ? HangupSignal.onHangup("reload " + this.file, this::reloadOnSignal) : null;
        this.poller = Thread.ofVirtual().name("config-watch " + this.file.getFileName()).start(this::pollLoop);
    }

    /** Watches {@code file}, polling every second and reloading on SIGHUP. */
    public static ConfigFileWatcher start(Path file, ConfigHolder holder) {
        return start(file, holder, Duration.ofSeconds(1), true);
    }

    /** Watches {@code file} every {@code interval}, and on SIGHUP when {@code onSighup}. */
    public static ConfigFileWatcher start(Path file, ConfigHolder holder, Duration interval, boolean onSighup) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(holder, "holder");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, was " + interval);
        }
        return new ConfigFileWatcher(file, holder, interval, onSighup);
    }

    /**
     * Reads and applies the file now, whatever its stamp. A parse failure is logged and counted
     * as refused, and the running snapshot stays.
     */
    public ApplyResult reload() {
        reloadLock.lock();
        try {
            lastSeen = FileStamp.of(file);
            SwitchConfig next;
            try {
                next = SwitchConfig.load(file);
            } catch (ConfigException e) {
                holder.reportUnusable(file.toString(), e);
                return new ApplyResult(ApplyResult.Outcome.REFUSED, holder.current().version(), e.getMessage());
            }
            return holder.apply(next);
        } finally {
            reloadLock.unlock();
        }
    }

    private void reloadOnSignal() {
        log.info("SIGHUP: reloading {}", file);
        reload();
    }

    private void pollLoop() {
        boolean missingLogged = false;
        while (!closed) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return; // close()
            }
            try {
                FileStamp now = FileStamp.of(file);
                if (now == null) {
                    if (!missingLogged) {
                        log.warn("config file {} is missing; still running v{}", file, holder.current().version());
                        missingLogged = true;
                    }
                    continue;
                }
                missingLogged = false;
                if (!now.equals(lastSeen)) {
                    log.info("config file {} changed; reloading", file);
                    reload();
                }
            } catch (RuntimeException e) {
                // The watcher must outlive one bad read: without it, changes stop being applied.
                log.error("config watcher for {} failed a poll; continuing", file, e);
            }
        }
    }

    /** Stops polling and SIGHUP handling; a reload in progress completes. */
    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        if (hangup != null) {
            hangup.close();
        }
        try {
            poller.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
