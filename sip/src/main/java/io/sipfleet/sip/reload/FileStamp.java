package io.sipfleet.sip.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node's config-file poller compares between polls to see that the file changed: the
 * modification time, the size and the file key (an editor that writes a new file and renames it
 * over the old one changes the key even within one timestamp tick). Shared by the switch's and
 * the dispatcher's watchers.
 */
public record FileStamp(FileTime modified, long size, Object fileKey) {
    private static final Logger log = LoggerFactory.getLogger(FileStamp.class);

    /** The stamp of {@code file} now, or null when it is missing or cannot be read (logged). */
    public static FileStamp of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            log.warn("cannot stat config file {}: {}", file, e.toString());
            return null;
        }
    }
}
