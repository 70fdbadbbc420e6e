package io.sipfleet.app.cluster;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The phone end of a NAT flow, for counting keep-alives on the wire: a UDP socket on the flow's
 * address that records every OPTIONS it receives (who sent it, for which contact, when) and
 * answers each with 200 OK, as a phone would. Retransmissions (same branch) are answered again
 * but recorded once.
 */
final class PhonePings implements AutoCloseable {
    /** One ping as received: the member that sent it, the binding's contact (Request-URI), when. */
    record Ping(String fromIp, String contact, String branch, long atNanos) {}

    private final DatagramSocket socket;
    private final Thread reader;
    private final List<Ping> pings = new ArrayList<>();

    PhonePings(String ip, int port) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(ip, port));
        reader = Thread.ofVirtual().start(this::read);
    }

    private void read() {
        byte[] buf = new byte[8192];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (!msg.startsWith("OPTIONS ")) continue;
            String[] lines = msg.split("\r\n");
            String contact = lines[0].split(" ")[1];
            String branch = null;
            StringBuilder reply = new StringBuilder("SIP/2.0 200 OK\r\n");
            for (String l : lines) {
                String lower = l.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("via:") || lower.startsWith("v:")) {
                    if (branch == null) {
                        int b = l.indexOf("branch=");
                        branch = b < 0 ? "" : l.substring(b + 7).split("[;,\\s]")[0];
                    }
                    reply.append(l).append("\r\n");
                } else if (lower.startsWith("from:") || lower.startsWith("call-id:") || lower.startsWith("cseq:")) {
                    reply.append(l).append("\r\n");
                } else if (lower.startsWith("to:")) {
                    reply.append(l).append(l.contains(";tag=") ? "" : ";tag=phone").append("\r\n");
                }
            }
            reply.append("Content-Length: 0\r\n\r\n");
            Ping ping = new Ping(p.getAddress().getHostAddress(), contact, branch, System.nanoTime());
            synchronized (pings) {
                if (pings.stream().noneMatch(x -> x.branch().equals(ping.branch()))) pings.add(ping);
            }
            byte[] out = reply.toString().getBytes(StandardCharsets.UTF_8);
            try {
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Every distinct ping received so far. */
    List<Ping> pings() {
        synchronized (pings) {
            return List.copyOf(pings);
        }
    }

    @Override public void close() throws InterruptedException {
        socket.close();
        reader.join(2_000);
    }
}
