package io.sipfleet.control.health;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.UUID;

/**
 * What control measures from outside a node: the round trip of a SIP OPTIONS over UDP (any final
 * response counts: the node is answering SIP), and the time to open a TCP connection, the
 * fallback for ICMP (echo needs raw sockets, which control does not assume it has). Blocking:
 * callers run it on virtual threads, never on an event loop.
 */
public final class SipProbe {

    private SipProbe() {
    }

    /** Milliseconds until a final response to an OPTIONS sent to {@code ip:port}, or empty after {@code timeout}. */
    public static OptionalDouble options(String ip, int port, Duration timeout) {
        String callId = "probe-" + UUID.randomUUID();
        try (DatagramSocket socket = new DatagramSocket()) {
            InetSocketAddress target = new InetSocketAddress(ip, port);
            socket.connect(target);
            String local = socket.getLocalAddress().getHostAddress();
            String branch = "z9hG4bK" + callId.substring(6).replace("-", "");
            byte[] request = ("OPTIONS sip:" + ip + ":" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP " + local + ":" + socket.getLocalPort() + ";branch=" + branch + ";rport\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:control@" + local + ">;tag=" + branch.substring(7, 17) + "\r\n"
                    + "To: <sip:" + ip + ":" + port + ">\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: 1 OPTIONS\r\n"
                    + "User-Agent: sipfleet-control\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + timeout.toNanos();
            long sent = System.nanoTime();
            socket.send(new DatagramPacket(request, request.length));
            byte[] buf = new byte[8192];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return OptionalDouble.empty();
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                String text = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
                // A provisional (1xx) is not an answer yet; our Call-ID tells our response from strays.
                if (text.startsWith("SIP/2.0 ") && text.length() > 9 && text.charAt(8) != '1' && text.contains(callId)) {
                    return OptionalDouble.of((System.nanoTime() - sent) / 1e6);
                }
            }
        } catch (SocketTimeoutException e) {
            return OptionalDouble.empty();
        } catch (IOException e) {
            // Port unreachable (nothing listening) or no route: not answering.
            return OptionalDouble.empty();
        }
    }

    /**
     * True when this process may send ICMP echo itself: the JDK's {@code isReachable} then pings
     * with a raw socket. Without CAP_NET_RAW it silently falls back to TCP port 7, which is not
     * ICMP, so control then reports the TCP connect time instead, labelled as such.
     */
    public static final boolean ICMP = hasCapNetRaw();

    static boolean hasCapNetRaw() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (caps & (1L << 13)) != 0; // CAP_NET_RAW
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: assume no raw sockets
        }
        return false;
    }

    /** Milliseconds of an ICMP echo round trip to {@code ip}, or empty (no answer, or {@link #ICMP} off). */
    public static OptionalDouble icmp(String ip, Duration timeout) {
        if (!ICMP) {
            return OptionalDouble.empty();
        }
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(ip); // an IP literal: no DNS
            long start = System.nanoTime();
            return a.isReachable((int) timeout.toMillis())
                    ? OptionalDouble.of((System.nanoTime() - start) / 1e6) : OptionalDouble.empty();
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
    }

    /** Milliseconds to open a TCP connection to {@code ip:port}, or empty if refused or timed out. */
    public static OptionalDouble tcpConnect(String ip, int port, Duration timeout) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
            return OptionalDouble.of((System.nanoTime() - start) / 1e6);
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
    }
}
