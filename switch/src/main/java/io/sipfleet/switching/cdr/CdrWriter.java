package io.sipfleet.switching.cdr;

import io.sipfleet.switching.config.HangupSignal;
import io.sipfleet.switching.config.Subscription;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends CDRs to a JSON-lines file without ever blocking the caller: {@link #write} puts the
 * record on a bounded queue that one virtual thread drains, writing and flushing each batch.
 *
 * <p>A CDR that cannot be written (queue full because the disk stalls, write error, writer
 * closed) is counted in {@link #dropped()} and logged in full, as JSON, at ERROR on the logger
 * {@value #LOST_LOGGER}: billing data is never lost silently, and routing that logger to its own
 * file makes the records recoverable.
 *
 * <p>Each batch is flushed to the OS, so a crash of the process loses nothing written; a crash
 * of the host can lose the last seconds (no fsync per call, which would cap the call rate at
 * the disk's sync rate). For logrotate: rename the file, then SIGHUP ({@link #reopenOnHangup()}),
 * or call {@link #rotate()} to rename and reopen in one step.
 */
public final class CdrWriter implements AutoCloseable {

    /** The logger that receives every CDR that could not be written to the file. */
    public static final String LOST_LOGGER = "io.sipfleet.switching.cdr.lost";
    /** Default queue size: a minute of 1,000 call ends per second while the disk stalls. */
    public static final int DEFAULT_CAPACITY = 65_536;
    private static final int BATCH = 512;

    private static final Logger log = LoggerFactory.getLogger(CdrWriter.class);
    private static final Logger lost = LoggerFactory.getLogger(LOST_LOGGER);

    private final BlockingQueue<Cdr> queue;
    private final int capacity;
    private final Thread drainer;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /**
     * Guards the file and writer: the drainer and reopen/rotate from a SIGHUP can race.
     * Package-private so a test can hold it to play a stuck disk.
     */
    final ReentrantLock fileLock = new ReentrantLock();
    private final Condition progress = fileLock.newCondition();
    private final CdrFile file;
    /** Records written or dropped by the drainer: what flush() waits on. */
    private long processed;
    private volatile boolean closed;

    private CdrWriter(Path file, int capacity) throws IOException {
        this.file = new CdrFile(file);  // fails at start, where a wrong path is noticed
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.drainer = Thread.ofVirtual().name("cdr-writer").start(this::drain);
        log.info("CDRs go to {} (queue {})", this.file.path(), capacity);
    }

    /** Opens (creating if needed) {@code file} for appending, with the default queue size. */
    public static CdrWriter open(Path file) throws IOException {
        return open(file, DEFAULT_CAPACITY);
    }

    /** Opens {@code file} for appending; at most {@code capacity} CDRs wait for the disk. */
    public static CdrWriter open(Path file, int capacity) throws IOException {
        Objects.requireNonNull(file, "file");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        return new CdrWriter(file, capacity);
    }

    /**
     * Queues {@code cdr} for the file. Never blocks. Returns false if it was dropped (queue full
     * or writer closed), in which case it has been logged in full and counted.
     */
    public boolean write(Cdr cdr) {
        Objects.requireNonNull(cdr, "cdr");
        if (!closed && queue.offer(cdr)) {
            accepted.incrementAndGet();
            return true;
        }
        lose(cdr, closed ? "writer closed" : "queue full (" + capacity + " waiting; disk slow or stuck?)");
        return false;
    }

    private void drain() {
        List<Cdr> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Cdr first = queue.poll(100, TimeUnit.MILLISECONDS);  // wakes to notice close()
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The drainer must survive anything, or every later CDR would queue up and be lost.
                log.error("CDR writer failed a batch of {}; continuing", batch.size(), e);
                batch.forEach(c -> lose(c, "writer error: " + e));
                markProcessed(batch.size());
            } finally {
                batch.clear();
            }
        }
    }

    private void writeBatch(List<Cdr> batch) {
        fileLock.lock();
        try {
            try {
                file.append(batch);
                written.addAndGet(batch.size());
            } catch (IOException e) {
                log.error("cannot write {} CDRs to {}: {}; logging them on {}", batch.size(), file.path(), e, LOST_LOGGER);
                batch.forEach(c -> lose(c, "write to " + file.path() + " failed: " + e.getMessage()));
            }
            processed += batch.size();
            progress.signalAll();
        } finally {
            fileLock.unlock();
        }
    }

    private void markProcessed(int n) {
        fileLock.lock();
        try {
            processed += n;
            progress.signalAll();
        } finally {
            fileLock.unlock();
        }
    }

    private void lose(Cdr cdr, String why) {
        dropped.incrementAndGet();
        lost.error("CDR not written to file ({}): {}", why, CdrJson.line(cdr));
    }

    /**
     * Waits until every CDR accepted before this call is in the file (or dropped).
     * Returns false on timeout.
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        fileLock.lock();
        try {
            while (processed < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.awaitNanos(left);
            }
            return true;
        } finally {
            fileLock.unlock();
        }
    }

    /** Closes and reopens the file by name: after logrotate renamed it, a new one is created. */
    public void reopen() {
        reopen(null);
    }

    /** Like {@link #reopen()}, switching to {@code newFile} (a changed cdrFile) when not null. */
    public void reopen(Path newFile) {
        fileLock.lock();
        try {
            file.reopen(newFile);
        } finally {
            fileLock.unlock();
        }
    }

    /**
     * Renames the current file to {@code <name>.<UTC time>} and starts a new one, without
     * logrotate. Returns the renamed file.
     */
    public Path rotate() throws IOException {
        fileLock.lock();
        try {
            return file.rotate();
        } finally {
            fileLock.unlock();
        }
    }

    /** Reopens the file on every SIGHUP until the handle is closed. */
    public Subscription reopenOnHangup() {
        return HangupSignal.onHangup("reopen CDR file " + file(), this::reopen);
    }

    /** The file CDRs currently go to. */
    public Path file() {
        fileLock.lock();
        try {
            return file.path();
        } finally {
            fileLock.unlock();
        }
    }

    /** CDRs in the file since start. */
    public long written() {
        return written.get();
    }

    /** CDRs that could not be written (and were logged on {@value #LOST_LOGGER}) since start. */
    public long dropped() {
        return dropped.get();
    }

    /** CDRs waiting for the disk. */
    public int queued() {
        return queue.size();
    }

    /** Stops accepting, writes what is queued (up to 10 s), closes the file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!drainer.join(Duration.ofSeconds(10))) {
                log.error("CDR writer did not finish within 10 s; {} CDRs still queued", queue.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Left over after a timeout, or offered by a write() that raced with close().
        Cdr c;
        while ((c = queue.poll()) != null) {
            lose(c, "writer closed before the disk took it");
        }
        fileLock.lock();
        try {
            file.close();
        } finally {
            fileLock.unlock();
        }
        log.info("CDR writer closed: {} written, {} dropped", written.get(), dropped.get());
    }
}
