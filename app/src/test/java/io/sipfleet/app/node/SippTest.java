package io.sipfleet.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.TransportStats;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIPp (Debian sip-tester) against the echo node, in process, behind the transaction layer:
 * 1,000 OPTIONS and 1,000 REGISTERs over UDP ({@code -t u1}) and TCP ({@code -t t1}) at 500
 * calls/s. Passes when SIPp exits 0 and its statistics count 1,000 successful and 0 failed
 * calls. Skipped only when {@code sipp} is not on the PATH (CI installs it).
 */
class SippTest {
    private static final String NODE_IP = "127.0.0.43", SIPP_IP = "127.0.0.44";
    private static final int CALLS = 1000;

    private static EchoNode node;

    @BeforeAll static void startNode() throws Exception {
        assumeTrue(sipp() != null, "sipp is not on the PATH (apt-get install sip-tester)");
        node = EchoNode.start(ListenerConfig.of(InetAddress.getByName(NODE_IP), 0), false);
    }

    @AfterAll static void stopNode() {
        if (node != null) node.close();
    }

    static Path sipp() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "sipp");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"options, u1", "options, t1", "register, u1", "register, t1"})
    void thousandCallsWithoutFailure(String scenario, String transport, @TempDir Path dir) throws Exception {
        Path xml = dir.resolve(scenario + "-uac.xml");
        try (InputStream in = SippTest.class.getResourceAsStream("/sipp/" + scenario + "-uac.xml")) {
            assertThat(in).as("scenario resource").isNotNull();
            Files.copy(in, xml, StandardCopyOption.REPLACE_EXISTING);
        }
        Path stat = dir.resolve("stat.csv"), errors = dir.resolve("errors.log"), out = dir.resolve("sipp.out");
        InetSocketAddress target = node.server().localAddress(transport.equals("u1")
                ? io.sipfleet.sip.transport.Transport.UDP : io.sipfleet.sip.transport.Transport.TCP);
        List<String> cmd = List.of(sipp().toString(), "-sf", xml.toString(), "-t", transport,
                "-i", SIPP_IP, "-p", Integer.toString(freePort()),
                "-r", "500", "-m", Integer.toString(CALLS), "-timeout", "60s", "-timeout_error", "-nostdin",
                "-trace_stat", "-stf", stat.toString(), "-fd", "1",
                "-trace_err", "-error_file", errors.toString(),
                NODE_IP + ":" + target.getPort());
        TransportStats before = node.server().stats();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        int exit;
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("sipp finished within 90 s").isTrue();
            exit = p.exitValue();
        } finally {
            p.destroyForcibly();
        }
        String diagnostics = "SIPp " + String.join(" ", cmd) + "\n--- output (tail) ---\n" + tail(out, 3000)
                + "\n--- errors ---\n" + tail(errors, 3000);
        assertThat(exit).as("SIPp exit code\n%s", diagnostics).isZero();
        long[] calls = finalCounts(stat);
        assertThat(calls[0]).as("successful calls\n%s", diagnostics).isEqualTo(CALLS);
        assertThat(calls[1]).as("failed calls\n%s", diagnostics).isZero();
        TransportStats after = node.server().stats();
        assertThat(after.droppedTotal()).as("node drops: %s", after.dropped()).isEqualTo(before.droppedTotal());
    }

    /**
     * 10 % of the 200 OKs "lost" (SIPp lost="10"; a 30 s receive timeout leaves room for about ten
     * retransmissions, so a run of losses never fails a call): SIPp retransmits those OPTIONS (same branch),
     * and every copy is absorbed by its transaction, answered with the stored 200 and never
     * handed to the echo user again: the layer's absorbed count equals SIPp's retransmissions.
     */
    @org.junit.jupiter.api.Test
    void udpRetransmissionsAreAbsorbedByTheTransactionLayer(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("options-retrans-uac.xml");
        try (InputStream in = SippTest.class.getResourceAsStream("/sipp/options-retrans-uac.xml")) {
            Files.copy(in, xml, StandardCopyOption.REPLACE_EXISTING);
        }
        Path stat = dir.resolve("stat.csv"), errors = dir.resolve("errors.log"), out = dir.resolve("sipp.out");
        InetSocketAddress target = node.server().localAddress(io.sipfleet.sip.transport.Transport.UDP);
        int calls = 300;
        List<String> cmd = List.of(sipp().toString(), "-sf", xml.toString(), "-t", "u1",
                "-i", SIPP_IP, "-p", Integer.toString(freePort()),
                "-r", "300", "-m", Integer.toString(calls), "-timeout", "60s", "-timeout_error", "-nostdin",
                "-max_non_invite_retrans", "20", // a response lost several times in a row is still retried
                "-trace_stat", "-stf", stat.toString(), "-fd", "1",
                "-trace_err", "-error_file", errors.toString(),
                NODE_IP + ":" + target.getPort());
        long absorbedBefore = node.transactions().retransmissionsAbsorbed();
        long resentBefore = node.transactions().retransmissionsSent();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("sipp finished within 90 s").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String diagnostics = tail(out, 3000) + "\n--- errors ---\n" + tail(errors, 3000);
        assertThat(p.exitValue()).as("SIPp exit code\n%s", diagnostics).isZero();
        long[] counts = finalCounts(stat);
        assertThat(counts[0]).as("successful calls\n%s", diagnostics).isEqualTo(calls);
        assertThat(counts[1]).isZero();
        long sippRetransmissions = lastValue(stat, "Retransmissions(C)");
        assertThat(sippRetransmissions).as("lost responses made SIPp retransmit").isGreaterThanOrEqualTo(10);
        assertThat(node.transactions().retransmissionsAbsorbed() - absorbedBefore)
                .as("every retransmitted OPTIONS absorbed by its transaction").isEqualTo(sippRetransmissions);
        assertThat(node.transactions().retransmissionsSent() - resentBefore)
                .as("and answered from it with the stored 200").isEqualTo(sippRetransmissions);
    }

    private static long lastValue(Path stat, String column) throws IOException {
        List<String> lines = Files.readAllLines(stat);
        int i = Arrays.asList(lines.get(0).split(";")).indexOf(column);
        assertThat(i).as("column %s in %s", column, stat).isGreaterThanOrEqualTo(0);
        return Long.parseLong(lines.get(lines.size() - 1).split(";")[i].trim());
    }

    /** SuccessfulCall(C) and FailedCall(C) of the last statistics line. */
    private static long[] finalCounts(Path stat) throws IOException {
        List<String> lines = Files.readAllLines(stat);
        List<String> header = Arrays.asList(lines.get(0).split(";"));
        String[] last = lines.get(lines.size() - 1).split(";");
        int ok = header.indexOf("SuccessfulCall(C)"), failed = header.indexOf("FailedCall(C)");
        assertThat(ok).as("columns of %s", stat).isGreaterThanOrEqualTo(0);
        return new long[] {Long.parseLong(last[ok].trim()), Long.parseLong(last[failed].trim())};
    }

    /** A port free for both UDP and TCP on SIPp's address. */
    private static int freePort() throws IOException {
        InetAddress ip = InetAddress.getByName(SIPP_IP);
        for (int i = 0; i < 20; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, ip)) {
                port = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(ip, port))) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port on " + SIPP_IP);
    }

    private static String tail(Path f, int max) {
        try {
            if (!Files.exists(f)) return "(none)";
            String s = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
            return s.length() <= max ? s : s.substring(s.length() - max);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
