package io.sipfleet.sip.transport;

import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.parse.SipParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Plain java.net clients: what a phone would be, with no code shared with the server. */
final class TestClients {
    private TestClients() {}

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static final class Udp implements AutoCloseable {
        final DatagramSocket socket;

        Udp(String localIp) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(ip(localIp), 0));
            socket.setSoTimeout(5_000);
        }

        int port() { return socket.getLocalPort(); }

        void send(String text, InetSocketAddress to) throws IOException { send(Sip.bytes(text), to); }

        void send(byte[] b, InetSocketAddress to) throws IOException {
            socket.send(new DatagramPacket(b, b.length, to));
        }

        /** The next datagram as text, with its source in {@code from[0]} when given. */
        String receive(InetSocketAddress[] from) throws IOException {
            byte[] buf = new byte[65_535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            if (from != null) from[0] = (InetSocketAddress) p.getSocketAddress();
            return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
        }

        String receive() throws IOException { return receive(null); }

        /** Null when nothing arrives within {@code millis}. */
        String receiveWithin(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                return receive();
            } catch (SocketTimeoutException e) {
                return null;
            } finally {
                socket.setSoTimeout(5_000);
            }
        }

        @Override public void close() { socket.close(); }
    }

    static final class Tcp implements AutoCloseable {
        final Socket socket;
        private final InputStream in;

        Tcp(String localIp, InetSocketAddress server) throws IOException {
            socket = new Socket();
            socket.bind(new InetSocketAddress(ip(localIp), 0));
            socket.connect(server, 5_000);
            socket.setSoTimeout(5_000);
            in = socket.getInputStream();
        }

        int port() { return socket.getLocalPort(); }

        void send(String text) throws IOException {
            socket.getOutputStream().write(Sip.bytes(text));
            socket.getOutputStream().flush();
        }

        /** Reads exactly n bytes as text. */
        String read(int n) throws IOException {
            return new String(in.readNBytes(n), StandardCharsets.UTF_8);
        }

        /** One message, framed by its Content-Length. */
        String receive() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) throw new IOException("connection closed after " + head.size() + " bytes: " + head);
                head.write(c);
                String s = head.toString(StandardCharsets.UTF_8);
                if (s.endsWith("\r\n\r\n") && !s.isBlank()) {
                    int cl = 0;
                    for (String line : s.split("\r\n")) {
                        int colon = line.indexOf(':');
                        if (colon < 0) continue;
                        String name = line.substring(0, colon).trim();
                        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("l")) {
                            cl = Integer.parseInt(line.substring(colon + 1).trim());
                        }
                    }
                    return s + read(cl);
                }
            }
        }

        /** True when the server closed the connection (EOF) within the socket timeout. */
        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }

        @Override public void close() throws IOException { socket.close(); }
    }

    static SipMessage parse(String text) {
        try {
            return SipParser.parse(text);
        } catch (Exception e) {
            throw new AssertionError("cannot parse:\n" + text, e);
        }
    }
}
