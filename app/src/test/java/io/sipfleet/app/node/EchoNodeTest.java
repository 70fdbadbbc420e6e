package io.sipfleet.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.Transport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The echo node behind the transaction layer, over real UDP on 127.0.0.41. */
class EchoNodeTest {
    private static String options(int clientPort, String branch) {
        return "OPTIONS sip:echo@127.0.0.41 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.42:" + clientPort + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:echo@example.com>\r\n"
                + "Call-ID: " + branch + "@test\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static SipResponse exchange(DatagramSocket s, String request, InetSocketAddress to) throws Exception {
        byte[] b = request.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, to));
        byte[] buf = new byte[65_535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return (SipResponse) SipParser.parseDatagram(buf, 0, p.getLength());
    }

    @Test void retransmissionsAreAbsorbedAndAnsweredWithTheCachedResponse() throws Exception {
        ListenerConfig config = ListenerConfig.of(InetAddress.getByName("127.0.0.41"), 0);
        try (EchoNode node = EchoNode.start(config, false);
             DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.42", 0))) {
            s.setSoTimeout(5_000);
            InetSocketAddress to = node.server().localAddress(Transport.UDP);
            String request = options(s.getLocalPort(), "z9hG4bKretrans1");
            SipResponse first = exchange(s, request, to);
            SipResponse again = exchange(s, request, to);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(again.toString()).isEqualTo(first.toString()); // same To tag: the cached response
            // counted just after the re-send: wait for it rather than race it
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> node.transactions().retransmissionsAbsorbed() == 1);
            SipResponse other = exchange(s, options(s.getLocalPort(), "z9hG4bKretrans2"), to);
            assertThat(other.to().tag()).isNotEqualTo(first.to().tag());
        }
    }

    @Test void statelessAnswersEveryCopyAnew() throws Exception {
        ListenerConfig config = ListenerConfig.of(InetAddress.getByName("127.0.0.41"), 0);
        try (EchoNode node = EchoNode.start(config, true);
             DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.42", 0))) {
            s.setSoTimeout(5_000);
            assertThat(node.isStateless()).isTrue();
            InetSocketAddress to = node.server().localAddress(Transport.UDP);
            String request = options(s.getLocalPort(), "z9hG4bKstateless");
            assertThat(exchange(s, request, to).to().tag()).isNotEqualTo(exchange(s, request, to).to().tag());
        }
    }
}
