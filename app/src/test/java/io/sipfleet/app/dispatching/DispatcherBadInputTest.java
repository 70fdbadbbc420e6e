package io.sipfleet.app.dispatching;

import static io.sipfleet.app.dispatching.Fleet3.CALLER;
import static io.sipfleet.app.dispatching.Fleet3.DISPATCHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a dispatcher on the open internet gets: garbage, requests that loop, and floods. It
 * answers or drops, never crashes, and keeps serving everyone else meanwhile.
 */
class DispatcherBadInputTest {
    static final String RAW = "127.0.6.25", FLOODER = "127.0.6.23";

    @TempDir Path dir;
    Fleet3 fleet;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @BeforeEach void start() throws Exception {
        // Numbers starting 777 are routed by every switch back to the dispatcher: a loop.
        fleet = new Fleet3(dir).switches(true, (i, c) -> c.route("loop", "777", "sip:" + DISPATCHER + ":5060"))
                .dispatcher("round-robin");
        fleet.awaitAllUp(10);
    }

    @AfterEach void stop() { fleet.close(); }

    /** A bare UDP client: one request out, the first final response (or null) back. */
    static final class Udp implements AutoCloseable {
        final java.net.DatagramSocket socket;
        final int port;

        Udp(String ip) throws IOException {
            socket = new java.net.DatagramSocket(new InetSocketAddress(ip, 0));
            port = socket.getLocalPort();
        }

        void send(String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            socket.send(new java.net.DatagramPacket(b, b.length, new InetSocketAddress(DISPATCHER, 5060)));
        }

        /** The status line of the first final response within {@code ms}, or null. */
        String finalWithin(int ms) throws IOException {
            long deadline = System.currentTimeMillis() + ms;
            byte[] buf = new byte[65535];
            while (System.currentTimeMillis() < deadline) {
                socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                String text = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
                String status = text.substring(0, Math.max(0, text.indexOf("\r\n")));
                if (status.startsWith("SIP/2.0 ") && status.charAt(8) != '1') return status;
            }
            return null;
        }

        String request(String method, String uri, String callId, String maxForwards, String... extraVias) {
            StringBuilder sb = new StringBuilder().append(method).append(' ').append(uri).append(" SIP/2.0\r\n")
                    .append("Via: SIP/2.0/UDP ").append(RAW).append(':').append(port).append(";branch=z9hG4bK")
                    .append(callId).append(";rport\r\n");
            for (String v : extraVias) sb.append("Via: ").append(v).append("\r\n");
            return sb.append("Max-Forwards: ").append(maxForwards).append("\r\n")
                    .append("From: <sip:441632960001@sipfleet.local>;tag=").append(callId).append("\r\n")
                    .append("To: <").append(uri).append(">\r\nCall-ID: ").append(callId).append("\r\n")
                    .append("CSeq: 1 ").append(method).append("\r\nContact: <sip:441632960001@").append(RAW).append(':')
                    .append(port).append(">\r\nContent-Length: 0\r\n\r\n").toString();
        }

        @Override public void close() { socket.close(); }
    }

    @Test void malformedAndLoopingRequestsGetAnAnswerOrAreDroppedAndTheDispatcherGoesOn() throws Exception {
        try (Udp raw = new Udp(RAW); Sipp.Running gw = fleet.gateway(30)) {
            raw.send("INVITE sip:5551234@sipfleet.local SIP/2.0\r\nVia: nonsense\r\nCSeq: x\r\n\r\n");
            String garbage = raw.finalWithin(1000);
            assertThat(garbage == null || garbage.startsWith("SIP/2.0 400")).as("garbage: %s", garbage).isTrue();
            raw.send("\u0000\u00ff\r\n\r\nnot sip at all");
            String binary = raw.finalWithin(1000);
            assertThat(binary == null || binary.startsWith("SIP/2.0 400")).as("not SIP: %s", binary).isTrue();

            raw.send(raw.request("INVITE", "sip:5551234@sipfleet.local", "mf0", "0"));
            assertThat(raw.finalWithin(3000)).as("Max-Forwards 0").startsWith("SIP/2.0 483");

            raw.send(raw.request("OPTIONS", "sip:5551234@sipfleet.local", "vialoop", "70",
                    "SIP/2.0/UDP " + DISPATCHER + ":5060;branch=z9hG4bKearlier"));
            assertThat(raw.finalWithin(3000)).as("our own Via further down").startsWith("SIP/2.0 482");

            // The switch routes 777... back to the dispatcher, which sees its own Via: 482, not a
            // ping-pong until Max-Forwards runs out.
            raw.send(raw.request("INVITE", "sip:7771234@sipfleet.local", "loopback", "70"));
            assertThat(raw.finalWithin(5000)).as("routed back to the dispatcher").startsWith("SIP/2.0 482");

            raw.send(raw.request("OPTIONS", "sip:" + DISPATCHER + ":5060", "alive", "70"));
            assertThat(raw.finalWithin(3000)).as("still answering").startsWith("SIP/2.0 200");
            fleet.caller(CALLER, 20, 20, 20).run(dir, "caller").assertClean(20);
            gw.stop();
        }
        assertThat(fleet.get("/status")).contains("\"up\":true");
    }

    @Test void aFloodOfOptionsFromOneSourceIsCutWhileOtherSourcesAreServed() throws Exception {
        AtomicLong sent = new AtomicLong();
        Thread flood = Thread.ofPlatform().name("flood").start(() -> {
            // 20,000 OPTIONS/s for 3 s: 20 per millisecond, paced, bounded in count and time.
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.bind(new InetSocketAddress(FLOODER, 0));
                InetSocketAddress to = new InetSocketAddress(DISPATCHER, 5060);
                long start = System.nanoTime();
                for (int i = 0; i < 60_000; i++) {
                    while (System.nanoTime() - start < i * 50_000L) Thread.onSpinWait();
                    if (System.nanoTime() - start > 4_000_000_000L) break;
                    String m = "OPTIONS sip:" + DISPATCHER + ":5060 SIP/2.0\r\nVia: SIP/2.0/UDP " + FLOODER
                            + ":5099;branch=z9hG4bKf" + i + "\r\nMax-Forwards: 70\r\nFrom: <sip:f@x>;tag=" + i
                            + "\r\nTo: <sip:" + DISPATCHER + ">\r\nCall-ID: flood" + i + "\r\nCSeq: 1 OPTIONS\r\n"
                            + "Content-Length: 0\r\n\r\n";
                    ch.send(ByteBuffer.wrap(m.getBytes(StandardCharsets.US_ASCII)), to);
                    sent.incrementAndGet();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (Sipp.Running gw = fleet.gateway(40)) {
            Sipp.sleep(300);
            // another source's calls complete while the flood runs (slower: it shares the event
            // loops that parse the flood before the limiter drops it, so retransmissions are allowed)
            Sipp.Result r = fleet.caller(CALLER, 50, 20, 30).run(dir, "caller");
            assertThat(r.exit).as("exit code\n%s", r.diagnostics()).isZero();
            assertThat(r.successful()).as("calls of the other source\n%s", r.diagnostics()).isEqualTo(50);
            assertThat(r.failed()).as("failed calls\n%s", r.diagnostics()).isZero();
            flood.join(10_000);
            gw.stop();
        }
        long dropped = fleet.dispatcher.rateLimited();
        System.out.printf("flood: %d OPTIONS sent in about 3 s, %d dropped by the per-source limit%n", sent.get(), dropped);
        assertThat(sent.get()).isGreaterThan(40_000L);
        assertThat(dropped).as("the flood is cut to maxSourceRate (200/s)").isGreaterThan(sent.get() / 2);
        try (Udp raw = new Udp(Fleet3.CALLER2)) {
            raw.send(raw.request("OPTIONS", "sip:" + DISPATCHER + ":5060", "after", "70"));
            assertThat(raw.finalWithin(3000)).startsWith("SIP/2.0 200");
        }
        assertThat(fleet.get("/status")).contains("\"up\":true").doesNotContain("\"up\":false");
    }
}
