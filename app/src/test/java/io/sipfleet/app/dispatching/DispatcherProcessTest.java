package io.sipfleet.app.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.app.switching.Sipp;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sipfleet node --role dispatcher} as a process: SIGHUP reloads its config file. The file
 * is rewritten so that polling cannot see it (same size, same inode, the old modification time
 * put back): only the signal can have applied it. A second SIGHUP with a bad file keeps the
 * running config and the process.
 */
class DispatcherProcessTest {
    static final String IP = "127.0.6.40";

    @TempDir Path dir;

    private static String config(int version, String algorithm, int metricsPort) {
        return """
                {"version": %d, "serverId": "dispatcher-p", "listen": [{"address": "%s", "port": 5060}],
                 "destinations": [{"uri": "sip:127.0.6.41:5060"}], "algorithm": "%s", "metricsPort": %d}
                """.formatted(version, IP, algorithm, metricsPort);
    }

    private static String status(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + IP + ":" + port + "/status")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static void hup(Process p) throws Exception {
        new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    }

    @Test void sighupReloadsTheConfigFile() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName(IP))) {
            port = free.getLocalPort();
        }
        Path file = dir.resolve("dispatcher.json"), log = dir.resolve("dispatcher.log");
        Files.writeString(file, config(1, "weighted", port));
        FileTime stamp = Files.getLastModifiedTime(file);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")).toList());
        cmd.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), "io.sipfleet.app.Main",
                "node", "--role", "dispatcher", "--config", file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!Files.readString(log).contains("dispatcher dispatcher-p running")) {
                assertThat(p.isAlive()).as("running\n%s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("started\n%s", Files.readString(log)).isLessThan(deadline);
                Sipp.sleep(50);
            }
            assertThat(status(port)).contains("\"algorithm\":\"weighted\"");

            // Same length, written in place, old time stamp back: invisible to the poller.
            Files.writeString(file, config(2, "aor-hash", port));
            Files.setLastModifiedTime(file, stamp);
            Sipp.sleep(2500);
            assertThat(status(port)).as("not applied by polling").contains("\"algorithm\":\"weighted\"");
            hup(p);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!status(port).contains("\"algorithm\":\"aor-hash\"")) {
                assertThat(System.nanoTime()).as("applied on SIGHUP\n%s", Files.readString(log)).isLessThan(deadline);
                Sipp.sleep(50);
            }
            assertThat(status(port)).contains("\"version\":2");

            Files.writeString(file, "{\"version\": 3, ");
            hup(p);
            Sipp.sleep(1000);
            assertThat(p.isAlive()).as("a bad file does not stop it").isTrue();
            assertThat(status(port)).contains("\"version\":2");
            assertThat(Files.readString(log)).contains("dispatcher config not applied, still running v2");

            p.destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("dispatcher dispatcher-p stopped");
        } finally {
            p.destroyForcibly();
        }
    }
}
