package io.sipfleet.app.switching;

import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare UDP SIP client for what SIPp cannot check: byte-level comparison of answers and
 * their timing. Requests are written as text; responses parsed with the project's parser.
 * One socket on {@code localIp}, a free port.
 */
final class RawSip implements AutoCloseable {
    private static final AtomicLong COUNTER = new AtomicLong();

    final String localIp;
    final int localPort;
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    /** Final responses received while waiting for another one. */
    private final List<Received> unclaimed = new ArrayList<>();

    RawSip(String localIp, String serverIp, int serverPort) {
        try {
            this.socket = new DatagramSocket(new InetSocketAddress(localIp, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.localIp = localIp;
        this.localPort = socket.getLocalPort();
        this.server = new InetSocketAddress(serverIp, serverPort);
    }

    static String unique(String prefix) { return prefix + COUNTER.incrementAndGet() + "-" + System.nanoTime(); }

    /**
     * A request from this client: {@code fromUser}@sipfleet.local to {@code toUri}, with a fresh
     * branch. {@code extra}: further header lines.
     */
    String request(String method, String requestUri, String fromUser, String toUri, String callId, int cseq,
                   String... extra) {
        StringBuilder sb = new StringBuilder(512)
                .append(method).append(' ').append(requestUri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP ").append(localIp).append(':').append(localPort)
                .append(";branch=z9hG4bK").append(unique("raw")).append(";rport\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:").append(fromUser).append("@sipfleet.local>;tag=").append(callId).append("\r\n")
                .append("To: <").append(toUri).append(">\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n")
                .append("Contact: <sip:").append(fromUser).append('@').append(localIp).append(':').append(localPort)
                .append(">\r\n");
        for (String h : extra) sb.append(h).append("\r\n");
        return sb.append("Content-Length: 0\r\n\r\n").toString();
    }

    void send(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(b, b.length, server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The next final response for {@code callId} and CSeq number {@code cseq}, or null when none
     * came within {@code wait}. Provisional responses and anything else are skipped.
     */
    Received awaitFinal(String callId, int cseq, Duration wait) {
        for (var it = unclaimed.iterator(); it.hasNext(); ) {
            Received r = it.next();
            if (callId.equals(r.response().callId()) && r.response().cseq().seq() == cseq) {
                it.remove();
                return r;
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] buf = new byte[65535];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return null;
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.setSoTimeout((int) Math.max(1, left));
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            SipMessage m;
            try {
                m = SipParser.parse(text);
            } catch (SipParseException e) {
                throw new AssertionError("unparsable message from the switch:\n" + text, e);
            }
            if (m instanceof SipResponse r && r.statusCode() >= 200) {
                Received got = new Received(r, text, System.nanoTime());
                if (callId.equals(r.callId()) && r.cseq().seq() == cseq) return got;
                unclaimed.add(got);
            }
        }
    }

    /** Sends {@code message} and waits for its final response (null after {@code wait}). */
    Received exchange(String message, String callId, int cseq, Duration wait) {
        send(message);
        return awaitFinal(callId, cseq, wait);
    }

    /** A final response with its text as received and when it arrived. */
    record Received(SipResponse response, String text, long atNanos) {
        int status() { return response.statusCode(); }

        /** Header values of {@code name} (case-insensitive), in order. */
        List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    out.add(line.substring(colon + 1).trim());
                }
            }
            return out;
        }
    }

    @Override public void close() { socket.close(); }
}
