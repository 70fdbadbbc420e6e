package io.sipfleet.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sipfleet node} as a real process: it answers, and SIGTERM stops it cleanly (the shutdown
 * hook closes the node and logs "stopped").
 */
class NodeProcessTest {
    private static final String IP = "127.0.0.46";

    @Test void nodeRunsUntilSigtermAndLogsStopped(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName(IP))) {
            port = free.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sipfleet.app.Main",
                "node", "--role", "echo", "--listen", IP + ":" + port, "--transport", "udp,tcp", "--allow", "127.0.0.0/8"));
        File log = dir.resolve("node.log").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log.toPath()).contains("running"));
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(IP, 0))) {
                s.setSoTimeout(5_000);
                byte[] req = ("OPTIONS sip:echo@" + IP + " SIP/2.0\r\nVia: SIP/2.0/UDP " + IP + ":" + s.getLocalPort()
                        + ";branch=z9hG4bKproc;rport\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:echo@example.com>\r\n"
                        + "Call-ID: proc\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(req, req.length, new InetSocketAddress(IP, port)));
                byte[] buf = new byte[4096];
                DatagramPacket resp = new DatagramPacket(buf, buf.length);
                s.receive(resp);
                assertThat(new String(buf, 0, resp.getLength(), StandardCharsets.UTF_8)).startsWith("SIP/2.0 200 OK");
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("node exits after SIGTERM").isTrue();
            String out = Files.readString(log.toPath());
            assertThat(out).contains("SIP listener 127.0.0.46 up").contains("stopped");
            assertThat(out).doesNotContain("Exception");
        } finally {
            p.destroyForcibly();
        }
    }
}
