package io.sipfleet.dispatching;

import io.sipfleet.sip.reload.FileStamp;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a dispatcher's config file when it changes (and when {@link #reload()} is called, which
 * the launcher does on SIGHUP). Polls modification time, size and file key every interval, like
 * the switch's watcher: polling also sees a file replaced by rename or a swapped symlink. A file
 * that does not parse or validate is logged and the running config stays; the write that fixes
 * it changes the stamp again and is picked up.
 */
public final class DispatcherConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DispatcherConfigWatcher.class);


    private final Path file;
    private final DispatcherNode node;
    private final Duration interval;
    private final Thread poller;
    private FileStamp lastSeen; // guarded by this
    private volatile boolean closed;

    private DispatcherConfigWatcher(Path file, DispatcherNode node, Duration interval) {
        this.file = file.toAbsolutePath();
        this.node = node;
        this.interval = interval;
        this.lastSeen = FileStamp.of(file); // the caller has just loaded it
        this.poller = Thread.ofVirtual().name("dispatcher-config-watch").start(this::pollLoop);
    }

    /** Watches {@code file} for {@code node}, polling every {@code interval}. */
    public static DispatcherConfigWatcher start(Path file, DispatcherNode node, Duration interval) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("poll interval must be positive");
        return new DispatcherConfigWatcher(file, node, interval);
    }

    /** Reads, validates and applies the file now; a bad file is refused (logged) and the running config stays. */
    public synchronized DispatcherNode.ReloadResult reload() {
        lastSeen = FileStamp.of(file);
        DispatcherConfig next;
        try {
            next = DispatcherConfig.load(file);
        } catch (DispatcherConfigException e) {
            log.error("dispatcher config not applied, still running v{}: {}", node.config().version(), e.getMessage());
            return new DispatcherNode.ReloadResult(false, e.getMessage());
        }
        return node.reload(next);
    }

    private void pollLoop() {
        while (!closed) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            try {
                FileStamp now = FileStamp.of(file);
                boolean changed;
                synchronized (this) {
                    changed = now != null && !now.equals(lastSeen);
                }
                if (changed) {
                    log.info("dispatcher config {} changed; reloading", file);
                    reload();
                }
            } catch (RuntimeException e) {
                log.error("dispatcher config watcher: poll of {} failed; continuing", file, e);
            }
        }
    }


    @Override public void close() {
        closed = true;
        poller.interrupt();
        try {
            poller.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
