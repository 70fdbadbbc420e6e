package io.sipfleet.switching.cdr;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDR file itself: append, reopen, rotate. Not thread-safe: {@link CdrWriter} calls it
 * under its lock. After a failed open or write it stays closed and the next append tries again,
 * so a full disk or a bad mount heals without a restart.
 */
final class CdrFile {

    private static final Logger log = LoggerFactory.getLogger(CdrFile.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Path path;
    private BufferedWriter out;

    /** Opens {@code path} for appending; throws so a wrong path is noticed at start. */
    CdrFile(Path path) throws IOException {
        this.path = path.toAbsolutePath();
        this.out = open(this.path);
    }

    Path path() {
        return path;
    }

    /** Writes one JSON line per CDR and flushes them to the OS. */
    void append(List<Cdr> batch) throws IOException {
        try {
            if (out == null) {
                out = open(path);
                log.info("CDR file {} open again", path);
            }
            for (Cdr c : batch) {
                out.write(CdrJson.line(c));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            close();  // reopen on the next batch
            throw e;
        }
    }

    /** Closes and reopens by name (after logrotate's rename), at {@code newPath} if not null. */
    void reopen(Path newPath) {
        close();
        if (newPath != null) {
            path = newPath.toAbsolutePath();
        }
        try {
            out = open(path);
            log.info("CDR file {} reopened", path);
        } catch (IOException e) {
            log.error("cannot reopen CDR file {}: {}; retrying on the next CDR", path, e.toString());
        }
    }

    /** Renames the file to {@code <name>.<UTC time>}, starts a new one, returns the renamed file. */
    Path rotate() throws IOException {
        close();
        String stamp = STAMP.format(Instant.now());
        Path rotated = path.resolveSibling(path.getFileName() + "." + stamp);
        for (int i = 1; Files.exists(rotated); i++) {  // rotated twice within a second
            rotated = path.resolveSibling(path.getFileName() + "." + stamp + "-" + i);
        }
        if (Files.exists(path)) {
            Files.move(path, rotated);
        }
        out = open(path);
        log.info("CDR file rotated to {}", rotated);
        return rotated;
    }

    void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            log.warn("closing CDR file {}: {}", path, e.toString());
        }
        out = null;
    }

    private static BufferedWriter open(Path path) throws IOException {
        Path parent = path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
