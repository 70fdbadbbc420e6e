package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real UDP listener on 127.0.0.31 and a java.net client on 127.0.0.32. */
class UdpRoundTripTest {
    static final String SERVER_IP = "127.0.0.31", CLIENT_IP = "127.0.0.32";

    private SipTransportServer server;

    @BeforeAll static void logging() { TestLogging.quiet(); }

    @AfterEach void stop() { if (server != null) server.close(); }

    private InetSocketAddress start(ListenerConfig config) {
        server = SipTransportServer.start(config, new EchoHandler());
        return server.localAddress(Transport.UDP);
    }

    private InetSocketAddress start() {
        return start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0).withIoThreads(2));
    }

    private static String options(TestClients.Udp c, String extraVia) {
        return Sip.options("SIP/2.0/UDP " + CLIENT_IP + ":" + c.port() + ";branch=z9hG4bK" + System.nanoTime()
                + extraVia, "udp-" + System.nanoTime());
    }

    @ParameterizedTest(name = "preferNative={0}") @ValueSource(booleans = {true, false})
    void optionsGets200FromTheListenerPort(boolean preferNative) throws Exception {
        InetSocketAddress to = start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0).withIoThreads(2)
                .withPreferNative(preferNative));
        assertThat(server.udpSocketCount()).isEqualTo(server.isEpoll() ? 2 : 1);
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            for (int i = 0; i < 20; i++) { // several flows: with SO_REUSEPORT any socket may get them
                c.send(options(c, ""), to);
                InetSocketAddress[] from = new InetSocketAddress[1];
                SipResponse r = (SipResponse) TestClients.parse(c.receive(from));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.to().tag()).isNotBlank();
                assertThat(r.header("Allow")).contains("OPTIONS");
                assertThat(from[0]).isEqualTo(to); // the listener's own port: what a NATed UA expects
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().sentUdp() == 20);
        assertThat(server.stats().receivedUdp()).isEqualTo(20);
    }

    @Test void rport3581IsFilledAndTheAnswerGoesToTheSourcePort() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            // sent-by says port 5999: only rport can bring the answer back to the real source port
            c.send(Sip.options("SIP/2.0/UDP " + CLIENT_IP + ":5999;branch=z9hG4bKr1;rport", "rport1"), to);
            Via v = TestClients.parse(c.receive()).topVia();
            assertThat(v.rport()).isEqualTo(c.port());
            assertThat(v.received()).isEqualTo(CLIENT_IP);
            assertThat(v.port()).isEqualTo(5999);
        }
    }

    @Test void receivedIsAddedForAHostNameSentByAndRportRoutesIt() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send(Sip.options("SIP/2.0/UDP phone.example.com;branch=z9hG4bKr2;rport", "rport2"), to);
            Via v = TestClients.parse(c.receive()).topVia();
            assertThat(v.received()).isEqualTo(CLIENT_IP);
            assertThat(v.rport()).isEqualTo(c.port());
        }
    }

    @Test void malformedRequestGets400NamingTheProblemAtTheViaAddress() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            String bad = Sip.msg("OPTIONS sip:echo@127.0.0.1 SIP/2.0",
                    "Via: SIP/2.0/UDP " + CLIENT_IP + ";branch=z9hG4bKbad;rport",
                    "From: <sip:alice@example.com>;tag=a1", "To: <sip:echo@example.com>", "Call-ID: bad1",
                    "CSeq: abc OPTIONS");
            c.send(bad, to);
            String answer = c.receive();
            assertThat(answer).startsWith("SIP/2.0 400 Bad CSeq");
            assertThat(answer.substring(0, answer.indexOf("\r\n"))).doesNotContain("offset");
            SipResponse r = (SipResponse) TestClients.parse(answer.replace("CSeq: abc", "CSeq: 1"));
            assertThat(r.callId()).isEqualTo("bad1");
            assertThat(r.to().tag()).isNotBlank();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().errorResponses() == 1);
    }

    @Test void malformedViaIsAnsweredToThePacketSource() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send(Sip.msg("OPTIONS sip:echo@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP", "From: <sip:a@example.com>;tag=1",
                    "To: <sip:echo@example.com>", "Call-ID: badvia", "CSeq: 1 OPTIONS"), to);
            assertThat(c.receive()).startsWith("SIP/2.0 400 Bad Via");
        }
    }

    @Test void unsupportedVersionGets505() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send(options(c, "").replace("SIP/2.0\r\n", "SIP/7.0\r\n"), to);
            assertThat(c.receive()).startsWith("SIP/2.0 505 ");
        }
    }

    @Test void malformedResponseIsDroppedAndCounted() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send(Sip.msg("SIP/2.0 200 OK", "Via: SIP/2.0/UDP " + CLIENT_IP + ";branch=z9hG4bK1",
                    "From: <sip:a@example.com>;tag=1", "To: <sip:b@example.com>;tag=2", "CSeq: 1 OPTIONS"), to);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.stats().dropped(DropReason.MALFORMED_RESPONSE) == 1);
            assertThat(c.receiveWithin(300)).isNull();
        }
        assertThat(server.stats().sentUdp()).isZero();
    }

    @Test void malformedAckAndGarbageAreDroppedSilently() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send(Sip.msg("ACK sip:echo@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP " + CLIENT_IP + ";branch=z9hG4bK1",
                    "From: <sip:a@example.com>;tag=1", "To: <sip:b@example.com>;tag=2", "CSeq: 1 ACK"), to);
            c.send(new byte[] {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42}, to); // a STUN header
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().dropped(DropReason.MALFORMED_ACK) == 1
                    && server.stats().dropped(DropReason.UNPARSEABLE) == 1);
            assertThat(c.receiveWithin(300)).isNull();
        }
    }

    @Test void datagramOverTheSizeLimitIsDropped() throws Exception {
        InetSocketAddress to = start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0).withMaxMessageBytes(1000));
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            String big = options(c, "").replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nX-Pad: "
                    + "p".repeat(1200) + "\r\n");
            c.send(big, to);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().dropped(DropReason.OVERSIZE_DATAGRAM) == 1);
            assertThat(c.receiveWithin(300)).isNull();
            String fits = options(c, "").replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nX-Pad: "
                    + "p".repeat(700) + "\r\n");
            assertThat(Sip.bytes(fits).length).isLessThanOrEqualTo(1000);
            c.send(fits, to);
            assertThat(c.receive()).startsWith("SIP/2.0 200 OK");
        }
    }

    /**
     * Datagrams that queue up while the event loop is busy (a collector pause, a burst) are read
     * several at a time (recvmmsg on epoll): each is answered once, none is cut or mixed with
     * its neighbours, and one over the size limit among them is still dropped alone.
     */
    @Test void aBurstQueuedWhileTheLoopIsBusyIsReadWholeDatagramByDatagram() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        EchoHandler echo = new EchoHandler();
        SipHandler slowFirst = (inbound, sender) -> {
            if (inbound.message().callId().equals("hold-the-loop")) {
                busy.countDown();
                try {
                    Thread.sleep(300); // the loop is stuck here while the burst queues in the socket
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            echo.onMessage(inbound, sender);
        };
        server = SipTransportServer.start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0).withIoThreads(1)
                .withMaxMessageBytes(1000), slowFirst);
        // Batched reads are epoll's (recvmmsg); elsewhere the test would pass without exercising them.
        assumeTrue(server.isEpoll(), "epoll unavailable: no batched UDP reads to test");
        InetSocketAddress to = server.localAddress(Transport.UDP);
        int burst = 61; // not a multiple of a read batch
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.socket.setReceiveBufferSize(1 << 20);
            c.send(Sip.options("SIP/2.0/UDP " + CLIENT_IP + ":" + c.port() + ";branch=z9hG4bKhold", "hold-the-loop"), to);
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < burst; i++) {
                // sizes differ, so a slice taken at the wrong offset or length cannot parse as the next one
                String m = Sip.options("SIP/2.0/UDP " + CLIENT_IP + ":" + c.port() + ";branch=z9hG4bKb" + i,
                        "burst-" + i).replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nX-Pad: "
                        + "p".repeat(i == 30 ? 1200 : i * 7) + "\r\n");
                c.send(m, to);
            }
            Set<String> answered = new HashSet<>();
            assertThat(((SipResponse) TestClients.parse(c.receive())).callId()).isEqualTo("hold-the-loop");
            for (int i = 0; i < burst - 1; i++) {
                SipResponse r = (SipResponse) TestClients.parse(c.receive());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(answered.add(r.callId())).as("answered twice: %s", r.callId()).isTrue();
            }
            assertThat(answered).doesNotContain("burst-30").hasSize(burst - 1);
            assertThat(c.receiveWithin(300)).isNull();
        }
        assertThat(server.stats().dropped(DropReason.OVERSIZE_DATAGRAM)).isEqualTo(1);
        assertThat(server.stats().receivedUdp()).isEqualTo(burst); // the burst but the oversized one, and the first
    }

    @Test void crlfKeepAliveIsSwallowed() throws Exception {
        InetSocketAddress to = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send("\r\n\r\n", to);
            c.send("\r\n", to);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().keepAlives() == 2);
            assertThat(c.receiveWithin(300)).isNull();
        }
        assertThat(server.stats().droppedTotal()).isZero();
    }

    @Test void allowListRefusesADestinationOutsideIt() throws Exception {
        InetSocketAddress to = start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0)
                .withAllowList(AllowList.parse(SERVER_IP + "/32")));
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send(options(c, ";rport"), to);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().dropped(DropReason.ALLOW_LIST_REFUSED) == 1);
            assertThat(c.receiveWithin(300)).isNull();
        }
        SipRequest r = Sip.request(Sip.options("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1", "x"));
        server.send(r, Peer.udp(new InetSocketAddress("10.0.0.1", 5060), to));
        assertThat(server.stats().dropped(DropReason.ALLOW_LIST_REFUSED)).isEqualTo(2);
        assertThat(server.stats().sentUdp()).isZero();
    }

    @Test void broadcastMaddrIsNeverADestination() throws Exception {
        InetSocketAddress to = start(); // allow-list "any"
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            c.send(Sip.options("SIP/2.0/UDP 255.255.255.255;branch=z9hG4bKbc;maddr=255.255.255.255", "bcast"), to);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().dropped(DropReason.ALLOW_LIST_REFUSED) == 1);
        }
        assertThat(server.stats().sentUdp()).isZero();
    }

    @Test void aHostNameViaWithoutReceivedIsUnroutable() throws Exception {
        start();
        SipResponse r = Sip.responseWithVia("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1");
        server.send(r, Peer.udp(new InetSocketAddress(CLIENT_IP, 5060), server.localAddress(Transport.UDP)));
        assertThat(server.stats().dropped(DropReason.UNROUTABLE_RESPONSE)).isEqualTo(1);
    }

    @Test void requestsCanBeSentFromTheListener() throws Exception {
        InetSocketAddress local = start();
        try (var c = new TestClients.Udp(CLIENT_IP)) {
            SipRequest r = Sip.request(Sip.options("SIP/2.0/UDP " + SERVER_IP + ":" + local.getPort()
                    + ";branch=z9hG4bKout", "out1"));
            server.send(r, Peer.udp(new InetSocketAddress(CLIENT_IP, c.port()), local));
            InetSocketAddress[] from = new InetSocketAddress[1];
            assertThat(c.receive(from)).isEqualTo(r.toString());
            assertThat(from[0]).isEqualTo(local);
        }
    }

    @Test void aSecondServerCannotShareTheBoundPortAndCloseReleasesIt() {
        InetSocketAddress to = start(ListenerConfig.of(TestClients.ip(SERVER_IP), 0).withIoThreads(2)
                .withTransports(java.util.Set.of(Transport.UDP)));
        ListenerConfig same = ListenerConfig.of(to).withIoThreads(2).withTransports(java.util.Set.of(Transport.UDP));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SipTransportServer.start(same, new EchoHandler()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(SERVER_IP + ":" + to.getPort());
        server.close();
        server.send(Sip.responseWithVia("SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1"), Peer.udp(to, to));
        assertThat(server.stats().dropped(DropReason.CLOSED)).isEqualTo(1);
        server = SipTransportServer.start(same, new EchoHandler());
        assertThat(server.localAddress(Transport.UDP)).isEqualTo(to);
    }
}
