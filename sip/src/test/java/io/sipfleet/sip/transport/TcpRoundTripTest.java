package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real TCP listener on 127.0.0.33 and java.net clients on 127.0.0.34. */
class TcpRoundTripTest {
    static final String SERVER_IP = "127.0.0.33", CLIENT_IP = "127.0.0.34";

    private SipTransportServer server, other;

    @BeforeAll static void logging() { TestLogging.quiet(); }

    @AfterEach void stop() {
        if (server != null) server.close();
        if (other != null) other.close();
    }

    private InetSocketAddress start(ListenerConfig config) {
        server = SipTransportServer.start(config, new EchoHandler());
        return server.localAddress(Transport.TCP);
    }

    private InetSocketAddress start() { return start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0).withIoThreads(2)); }

    private static String options(TestClients.Tcp c, String callId) {
        return Sip.options("SIP/2.0/TCP " + CLIENT_IP + ":" + c.port() + ";branch=z9hG4bK" + callId + ";rport", callId);
    }

    @ParameterizedTest(name = "preferNative={0}") @ValueSource(booleans = {true, false})
    void optionsGets200OnTheSameConnection(boolean preferNative) throws Exception {
        InetSocketAddress to = start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0).withPreferNative(preferNative));
        assertThat(server.localAddress(Transport.UDP).getPort()).isEqualTo(to.getPort()); // one port for both
        try (var c = new TestClients.Tcp(CLIENT_IP, to)) {
            c.send(options(c, "t1"));
            SipResponse r = (SipResponse) TestClients.parse(c.receive());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.callId()).isEqualTo("t1");
            Via v = r.topVia();
            assertThat(v.rport()).isEqualTo(c.port());
            assertThat(v.received()).isEqualTo(CLIENT_IP);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().tcpClosed() == 1);
        assertThat(server.stats().tcpAccepted()).isEqualTo(1);
        assertThat(server.stats().tcpConnectionsOpen()).isZero();
    }

    @Test void severalMessagesInOneWriteAndOneMessageInManyWrites() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Tcp(CLIENT_IP, to)) {
            c.send(options(c, "m1") + "\r\n" + options(c, "m2") + options(c, "m3"));
            assertThat(List.of(c.receive(), c.receive(), c.receive())).extracting(t -> TestClients.parse(t).callId())
                    .containsExactly("m1", "m2", "m3");
            String m4 = options(c, "m4");
            for (int i = 0; i < m4.length(); i += 17) {
                c.send(m4.substring(i, Math.min(m4.length(), i + 17)));
                Thread.sleep(1);
            }
            assertThat(TestClients.parse(c.receive()).callId()).isEqualTo("m4");
        }
    }

    @Test void doubleCrlfPingGetsAPong() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Tcp(CLIENT_IP, to)) {
            c.send("\r\n\r\n");
            assertThat(c.read(2)).isEqualTo("\r\n");
            c.send(options(c, "afterPing"));
            assertThat(TestClients.parse(c.receive()).callId()).isEqualTo("afterPing");
        }
        assertThat(server.stats().pongs()).isEqualTo(1);
    }

    @Test void malformedRequestGets400AndTheConnectionStaysOpen() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Tcp(CLIENT_IP, to)) {
            c.send(options(c, "bad").replace("CSeq: 1 OPTIONS", "CSeq: 99999999999 OPTIONS"));
            String answer = c.receive();
            assertThat(answer).startsWith("SIP/2.0 400 Bad CSeq").contains("Call-ID: bad\r\n");
            c.send(options(c, "good"));
            assertThat(TestClients.parse(c.receive()).callId()).isEqualTo("good");
        }
    }

    @Test void negativeContentLengthClosesTheConnection() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Tcp(CLIENT_IP, to)) {
            c.send(options(c, "ncl").replace("Content-Length: 0", "Content-Length: -999") + "0123456789");
            assertThat(c.receive()).startsWith("SIP/2.0 400 Bad Content-Length");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.stats().dropped(DropReason.TCP_FRAMING)).isEqualTo(1);
    }

    @Test void idleConnectionsAreClosed() throws Exception {
        InetSocketAddress to = start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0)
                .withTcpIdleTimeout(Duration.ofMillis(300)));
        try (var c = new TestClients.Tcp(CLIENT_IP, to)) {
            c.send(options(c, "idle"));
            c.receive();
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.stats().tcpIdleClosed()).isEqualTo(1);
    }

    @Test void allowListIsCheckedOnConnectionsToo() throws Exception {
        InetSocketAddress to = start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0)
                .withAllowList(AllowList.parse("10.0.0.0/8")));
        try (var c = new TestClients.Tcp(CLIENT_IP, to)) {
            c.send(options(c, "refused"));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().dropped(DropReason.ALLOW_LIST_REFUSED) == 1);
        }
        assertThat(server.stats().sentTcp()).isZero();
    }

    /**
     * Node A sends a request over TCP to node B without a connection: A connects (queueing the
     * request), B answers on that same connection, A's handler gets the response; a second
     * request reuses the connection.
     */
    @Test void outboundConnectionIsOpenedQueuedAndReused() throws Exception {
        InetSocketAddress b = start();
        List<Inbound> received = new CopyOnWriteArrayList<>();
        other = SipTransportServer.start(ListenerConfig.of(TestClients.ip(CLIENT_IP), 0), (in, s) -> received.add(in));
        InetSocketAddress a = other.localAddress(Transport.TCP);
        for (String id : new String[] {"out1", "out2"}) {
            SipRequest r = Sip.request(Sip.options("SIP/2.0/TCP " + CLIENT_IP + ":" + a.getPort()
                    + ";branch=z9hG4bK" + id, id));
            other.send(r, new Peer(Transport.TCP, b, a, 0));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received).extracting(i -> i.message().callId()).containsExactlyInAnyOrder("out1", "out2");
        assertThat(received).allSatisfy(i -> {
            assertThat(((SipResponse) i.message()).statusCode()).isEqualTo(200);
            assertThat(i.from().transport()).isEqualTo(Transport.TCP);
            assertThat(i.from().remote()).isEqualTo(b);
        });
        assertThat(received.get(0).from().connectionId()).isEqualTo(received.get(1).from().connectionId());
        assertThat(other.stats().tcpConnected()).isEqualTo(1);
        assertThat(server.stats().tcpAccepted()).isEqualTo(1);
    }

    @Test void connectFailureIsCounted() throws Exception {
        start();
        // A closed port on the server's address: the connect is refused.
        int closed;
        try (var s = new java.net.ServerSocket(0, 1, TestClients.ip(CLIENT_IP))) { closed = s.getLocalPort(); }
        SipRequest r = Sip.request(Sip.options("SIP/2.0/TCP " + SERVER_IP + ";branch=z9hG4bKcf", "cf"));
        server.send(r, new Peer(Transport.TCP, new InetSocketAddress(CLIENT_IP, closed), null, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().dropped(DropReason.CONNECT_FAILED) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().tcpConnectionsOpen() == 0);
    }
}
