package io.sipfleet.switching.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileWatcherTest {

    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;
    private ConfigFileWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    static String snapshot(long version, int cpsLimit) {
        return SwitchConfigTest.minimalWith(", \"cpsLimit\": " + cpsLimit)
                .replace("\"version\": 1", "\"version\": " + version);
    }

    private ConfigHolder start(Path file) throws Exception {
        ConfigHolder holder = new ConfigHolder(SwitchConfig.load(file));
        watcher = ConfigFileWatcher.start(file, holder, POLL, false);
        return holder;
    }

    @Test
    void applies_an_edited_file() throws Exception {
        Path file = Files.writeString(dir.resolve("switch.json"), snapshot(1, 10));
        ConfigHolder holder = start(file);

        Files.writeString(file, snapshot(2, 20));

        await().atMost(Duration.ofSeconds(3)).until(() -> holder.current().version() == 2);
        assertThat(holder.current().cpsLimit()).isEqualTo(20);
    }

    @Test
    void applies_a_file_replaced_by_rename() throws Exception {
        Path file = Files.writeString(dir.resolve("switch.json"), snapshot(1, 10));
        ConfigHolder holder = start(file);

        Path tmp = Files.writeString(dir.resolve("switch.json.tmp"), snapshot(2, 20));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(3)).until(() -> holder.current().version() == 2);
    }

    @Test
    void keeps_the_running_snapshot_when_the_file_breaks_then_recovers() throws Exception {
        Path file = Files.writeString(dir.resolve("switch.json"), snapshot(1, 10));
        ConfigHolder holder = start(file);
        long refusedBefore = holder.refusedCount();

        Files.writeString(file, snapshot(2, -5));
        await().atMost(Duration.ofSeconds(3)).until(() -> holder.refusedCount() > refusedBefore);
        assertThat(holder.current().version()).isEqualTo(1);

        Files.writeString(file, "{ \"version\": 2, ");  // half-written
        await().atMost(Duration.ofSeconds(3)).until(() -> holder.refusedCount() > refusedBefore + 1);
        assertThat(holder.current().version()).isEqualTo(1);

        Files.writeString(file, snapshot(2, 30));
        await().atMost(Duration.ofSeconds(3)).until(() -> holder.current().version() == 2);
        assertThat(holder.current().cpsLimit()).isEqualTo(30);
    }

    @Test
    void a_broken_file_is_reported_once_not_every_poll() throws Exception {
        Path file = Files.writeString(dir.resolve("switch.json"), snapshot(1, 10));
        ConfigHolder holder = start(file);
        Files.writeString(file, "not json");
        await().atMost(Duration.ofSeconds(3)).until(() -> holder.refusedCount() == 1);

        Thread.sleep(POLL.multipliedBy(5).toMillis());

        assertThat(holder.refusedCount()).isEqualTo(1);
    }

    @Test
    void reload_reads_now_and_reports_the_file_name() throws Exception {
        Path file = Files.writeString(dir.resolve("switch.json"), snapshot(1, 10));
        ConfigHolder holder = new ConfigHolder(SwitchConfig.load(file));
        watcher = ConfigFileWatcher.start(file, holder, Duration.ofHours(1), false);

        Files.writeString(file, snapshot(2, -1));
        ApplyResult bad = watcher.reload();
        assertThat(bad.outcome()).isEqualTo(ApplyResult.Outcome.REFUSED);
        assertThat(bad.reason()).isEqualTo(file.toAbsolutePath() + ": cpsLimit: must be >= 0, was -1");

        Files.writeString(file, snapshot(2, 7));
        assertThat(watcher.reload().applied()).isTrue();
        assertThat(holder.current().cpsLimit()).isEqualTo(7);

        Files.delete(file);
        assertThat(watcher.reload().reason()).startsWith("cannot read " + file.toAbsolutePath());
        assertThat(holder.current().cpsLimit()).isEqualTo(7);
    }

    @Test
    void sighup_reloads_when_the_platform_has_it() throws Exception {
        Path file = Files.writeString(dir.resolve("switch.json"), snapshot(1, 10));
        ConfigHolder holder = new ConfigHolder(SwitchConfig.load(file));
        watcher = ConfigFileWatcher.start(file, holder, Duration.ofHours(1), true);
        Files.writeString(file, snapshot(2, 20));

        HangupSignal.dispatch();

        assertThat(holder.current().version()).isEqualTo(2);
    }
}
