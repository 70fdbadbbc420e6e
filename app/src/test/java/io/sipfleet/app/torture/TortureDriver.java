package io.sipfleet.app.torture;

import io.sipfleet.app.node.EchoNode;
import io.sipfleet.sip.transport.AllowList;
import io.sipfleet.sip.transport.ListenerConfig;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs INSIDE a network namespace that has only loopback (started by {@link TortureOverUdpTest}
 * through {@code unshare -n}): the torture messages name hosts like 192.0.2.x and
 * 255.255.255.255, so nothing the node answers may be able to leave the machine.
 *
 * <p>Starts a (stateless) echo node on 127.0.0.2:5062, sends every corpus file in one datagram
 * from 127.0.0.1:5060 (responses follow the Via: received = our address, port = the Via's, 5060
 * when absent, others in a few files, so we listen there too), records the first answer's status
 * or "drop", then checks that a fresh OPTIONS is still answered. Prints one line per file:
 * {@code file<TAB>status-or-drop<TAB>options-ok}.
 */
public final class TortureDriver {
    private static final java.util.Set<String> earlier = new java.util.HashSet<>();
    private static String current;

    /**
     * What ties a response to the request it answers: the top Via's branch (the transaction,
     * RFC 3261 17.2.3; several corpus files share one, and the node rightly answers the later
     * ones as retransmissions), else the Call-ID.
     */
    private static String key(String message) {
        int head = message.indexOf("\r\n\r\n");
        String headers = head < 0 ? message : message.substring(0, head);
        int b = headers.indexOf("branch=");
        if (b >= 0) {
            int e = b + 7;
            while (e < headers.length() && ";, \r\n\t".indexOf(headers.charAt(e)) < 0) e++;
            return headers.substring(b, e);
        }
        return callId(message);
    }

    private static String callId(String message) {
        for (String line : message.split("\r\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if (l.startsWith("call-id:") || l.startsWith("i:")) return line.substring(line.indexOf(':') + 1).trim();
            if (line.isEmpty()) break;
        }
        return null;
    }

    public static void main(String[] args) throws Exception {
        InetAddress node = InetAddress.getByName("127.0.0.2");
        InetAddress me = InetAddress.getByName("127.0.0.1");
        // Stateless: the corpus reuses one branch (z9hG4bKkdjuw) in some twenty unrelated files,
        // so a stateful node rightly absorbs later ones as retransmissions of earlier ones (the
        // transaction tests cover that); here each message must be judged on its own.
        try (EchoNode echo = EchoNode.start(ListenerConfig.of(node, 5062).withAllowList(AllowList.parse("127.0.0.0/8")), true);
             DatagramSocket s5060 = new DatagramSocket(new InetSocketAddress(me, 5060));
             DatagramSocket s5050 = new DatagramSocket(new InetSocketAddress(me, 5050));
             DatagramSocket s5061 = new DatagramSocket(new InetSocketAddress(me, 5061));
             DatagramSocket s5070 = new DatagramSocket(new InetSocketAddress(me, 5070));
             DatagramSocket s6050 = new DatagramSocket(new InetSocketAddress(me, 6050));
             DatagramSocket s19823 = new DatagramSocket(new InetSocketAddress(me, 19823))) {
            // every sent-by port of the corpora (5061: the default port of a TLS Via)
            List<DatagramSocket> sockets = List.of(s5060, s5050, s5061, s5070, s6050, s19823);
            InetSocketAddress to = new InetSocketAddress(node, 5062);
            for (String file : args) {
                byte[] data = read(file);
                // Non-2xx finals to INVITEs are retransmitted (Timer G) until ACKed, which this
                // driver never does: an answer is this file's when it carries this file's
                // Call-ID, or (a message without one) when it carries no earlier file's.
                current = key(new String(data, StandardCharsets.ISO_8859_1));
                s5060.send(new DatagramPacket(data, data.length, to));
                String result = firstStatus(sockets, earlier.isEmpty() ? 1500 : 300, false);
                if (current != null) earlier.add(current);
                String ping = "OPTIONS sip:127.0.0.2:5062 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ping-"
                        + Integer.toHexString(file.hashCode()) + "-" + earlier.size() + ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=t1\r\n"
                        + "To: <sip:127.0.0.2>\r\nCall-ID: ping-" + file.hashCode() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
                byte[] p = ping.getBytes(StandardCharsets.US_ASCII);
                s5060.send(new DatagramPacket(p, p.length, to));
                String pong = firstStatus(sockets, 2000, true);
                System.out.println(file + "\t" + result + "\t" + pong.equals("200"));
            }
        }
    }

    private static byte[] read(String path) throws Exception {
        try (InputStream in = TortureDriver.class.getResourceAsStream("/testdata/" + path)) {
            if (in == null) throw new IllegalArgumentException("no test data " + path);
            return in.readAllBytes();
        }
    }

    /** The status of the first response (to our ping, or to anything else) within the wait, or "drop". */
    private static String firstStatus(List<DatagramSocket> sockets, int waitMillis, boolean ping) throws Exception {
        long deadline = System.currentTimeMillis() + waitMillis;
        List<String> got = new ArrayList<>();
        while (System.currentTimeMillis() < deadline && got.isEmpty()) {
            for (DatagramSocket s : sockets) {
                s.setSoTimeout(20);
                byte[] buf = new byte[65535];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                    String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                    String cid = key(text);
                    if (text.startsWith("SIP/2.0 ") && text.contains("\r\nCall-ID: ping-") == ping
                            && (ping || (current != null ? current.equals(cid) : cid == null || !earlier.contains(cid)))) {
                        got.add(text.substring(8, 11));
                    }
                } catch (SocketTimeoutException ignored) {
                    // next socket
                }
            }
        }
        return got.isEmpty() ? "drop" : got.get(0);
    }
}
