package io.sipfleet.switching.cdr;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sipfleet.switching.config.HangupSignalAccess;
import io.sipfleet.switching.config.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CdrWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> lostLog = new ListAppender<>();

    @BeforeEach
    void captureLostLog() {
        lostLog.start();
        ((Logger) LoggerFactory.getLogger(CdrWriter.LOST_LOGGER)).addAppender(lostLog);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(CdrWriter.LOST_LOGGER)).detachAppender(lostLog);
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file);
    }

    @Test
    void appends_one_json_line_per_cdr() throws Exception {
        Path file = dir.resolve("cdr/calls.jsonl");  // parent is created
        try (CdrWriter w = CdrWriter.open(file)) {
            for (int i = 0; i < 100; i++) {
                assertThat(w.write(CdrTest.answered("call-" + i))).isTrue();
            }
            assertThat(w.flush(WAIT)).isTrue();
            assertThat(w.written()).isEqualTo(100);
        }
        List<String> lines = lines(file);
        assertThat(lines).hasSize(100);
        assertThat(CdrJson.parse(lines.get(42)).callId()).isEqualTo("call-42");
    }

    @Test
    void appends_to_an_existing_file() throws Exception {
        Path file = Files.writeString(dir.resolve("calls.jsonl"), CdrJson.line(CdrTest.answered("old")) + "\n");
        try (CdrWriter w = CdrWriter.open(file)) {
            w.write(CdrTest.answered("new"));
        }
        assertThat(lines(file)).hasSize(2).last().asString().contains("\"new\"");
    }

    @Test
    void reopen_after_logrotate_renamed_the_file() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        Path rotated = dir.resolve("calls.jsonl.1");
        try (CdrWriter w = CdrWriter.open(file)) {
            w.write(CdrTest.answered("before"));
            assertThat(w.flush(WAIT)).isTrue();
            Files.move(file, rotated);   // what logrotate does, then it sends SIGHUP
            w.reopen();
            w.write(CdrTest.answered("after"));
            assertThat(w.flush(WAIT)).isTrue();
        }
        assertThat(lines(rotated)).singleElement().asString().contains("\"before\"");
        assertThat(lines(file)).singleElement().asString().contains("\"after\"");
    }

    @Test
    void rotate_renames_with_a_utc_stamp_and_starts_a_new_file() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        try (CdrWriter w = CdrWriter.open(file)) {
            w.write(CdrTest.answered("one"));
            assertThat(w.flush(WAIT)).isTrue();
            Path first = w.rotate();
            w.write(CdrTest.answered("two"));
            assertThat(w.flush(WAIT)).isTrue();
            Path second = w.rotate();

            assertThat(first.getFileName().toString()).matches("calls\\.jsonl\\.\\d{8}T\\d{6}Z(-\\d+)?");
            assertThat(second).isNotEqualTo(first);
            assertThat(lines(first)).singleElement().asString().contains("\"one\"");
            assertThat(lines(second)).singleElement().asString().contains("\"two\"");
            assertThat(file).exists().isEmptyFile();
        }
    }

    @Test
    void reopen_can_move_to_a_new_path() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        try (CdrWriter w = CdrWriter.open(a)) {
            w.reopen(b);
            w.write(CdrTest.answered("x"));
            assertThat(w.flush(WAIT)).isTrue();
            assertThat(w.file()).isEqualTo(b.toAbsolutePath());
        }
        assertThat(a).isEmptyFile();
        assertThat(lines(b)).hasSize(1);
    }

    @Test
    void full_queue_drops_are_counted_and_logged_in_full_never_blocking() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        int total = 4 + 512 + 50;  // queue + the most one stalled batch holds + surely too many
        try (CdrWriter w = CdrWriter.open(file, 4)) {
            w.fileLock.lock();  // the disk is stuck: the drainer cannot write
            long rejected = 0;
            try {
                for (int i = 0; i < total; i++) {
                    if (!w.write(CdrTest.answered("call-" + i))) {
                        rejected++;
                    }
                }
            } finally {
                w.fileLock.unlock();
            }
            assertThat(w.flush(WAIT)).isTrue();

            assertThat(rejected).isGreaterThanOrEqualTo(50);
            assertThat(w.dropped()).isEqualTo(rejected);
            assertThat(w.written() + w.dropped()).isEqualTo(total);
            assertThat(lines(file)).hasSize((int) w.written());
            assertThat(lostLog.list).hasSize((int) rejected);
            assertThat(lostLog.list.get(0).getFormattedMessage())
                    .startsWith("CDR not written to file (queue full (4 waiting; disk slow or stuck?)): {\"callId\":\"call-")
                    .contains("\"endReason\":\"BYE caller\"");
        }
    }

    @Test
    void an_unwritable_file_loses_nothing_silently_and_recovers() throws Exception {
        Path good = dir.resolve("calls.jsonl");
        Path unwritable = Files.createDirectory(dir.resolve("not-a-file"));
        try (CdrWriter w = CdrWriter.open(good)) {
            w.reopen(unwritable);  // logged; the writer retries on the next batch
            assertThat(w.write(CdrTest.answered("during"))).isTrue();
            assertThat(w.flush(WAIT)).isTrue();
            assertThat(w.dropped()).isEqualTo(1);
            assertThat(lostLog.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("failed").contains("\"during\"");

            w.reopen(good);
            w.write(CdrTest.answered("after"));
            assertThat(w.flush(WAIT)).isTrue();
            assertThat(w.written()).isEqualTo(1);
        }
        assertThat(lines(good)).singleElement().asString().contains("\"after\"");
    }

    @Test
    void close_writes_what_is_queued_and_later_writes_are_dropped_loudly() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        CdrWriter w = CdrWriter.open(file);
        for (int i = 0; i < 1000; i++) {
            w.write(CdrTest.answered("call-" + i));
        }
        w.close();
        assertThat(lines(file)).hasSize(1000);

        assertThat(w.write(CdrTest.answered("late"))).isFalse();
        assertThat(w.dropped()).isEqualTo(1);
        assertThat(lostLog.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("writer closed").contains("\"late\"");
        w.close();  // twice is harmless
    }

    @Test
    void sighup_reopens() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        try (CdrWriter w = CdrWriter.open(file)) {
            Subscription hup = w.reopenOnHangup();
            try {
                w.write(CdrTest.answered("before"));
                assertThat(w.flush(WAIT)).isTrue();
                Files.move(file, dir.resolve("old.jsonl"));
                HangupSignalAccess.dispatch();
                w.write(CdrTest.answered("after"));
                assertThat(w.flush(WAIT)).isTrue();
            } finally {
                hup.close();
            }
        }
        assertThat(lines(file)).singleElement().asString().contains("\"after\"");
    }
}
