package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** RFC 3261 18.2.2 and RFC 3581 4, one case each. */
class ResponseRoutingTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.2", 5060);
    private static final InetSocketAddress SRC = new InetSocketAddress("192.0.2.4", 40000);
    private static final Peer UDP_FROM = Peer.udp(SRC, LOCAL);
    private static final Peer TCP_FROM = new Peer(Transport.TCP, SRC, LOCAL, 42);

    private static Peer route(String via, Peer from) {
        return ResponseRouting.destination(Sip.responseWithVia(via), from);
    }

    @Test void reliableUsesTheSameConnectionAndFallsBackToReceivedAndSentByPort() {
        Peer p = route("SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK1;received=192.0.2.4", TCP_FROM);
        assertThat(p.transport()).isEqualTo(Transport.TCP);
        assertThat(p.connectionId()).isEqualTo(42);
        assertThat(p.remote()).isEqualTo(new InetSocketAddress("192.0.2.4", 5070));
        assertThat(p.local()).isEqualTo(LOCAL);
        Peer noPort = route("SIP/2.0/TCP 192.0.2.4;branch=z9hG4bK1", TCP_FROM);
        assertThat(noPort.remote()).isEqualTo(new InetSocketAddress("192.0.2.4", 5060));
        Peer tls = route("SIP/2.0/TLS 192.0.2.4;branch=z9hG4bK1", new Peer(Transport.TLS, SRC, LOCAL, 7));
        assertThat(tls.remote().getPort()).isEqualTo(5061);
    }

    @Test void maddrWinsOverReceived() {
        Peer p = route("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;maddr=198.51.100.7;received=192.0.2.4", UDP_FROM);
        assertThat(p.remote()).isEqualTo(new InetSocketAddress("198.51.100.7", 5070));
        assertThat(p.transport()).isEqualTo(Transport.UDP);
        assertThat(route("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;maddr=198.51.100.7", UDP_FROM).remote().getPort())
                .isEqualTo(5060);
    }

    @Test void hostNameMaddrCannotBeResolved() {
        assertThat(route("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;maddr=mcast.example.com;received=192.0.2.4", UDP_FROM))
                .isNull();
    }

    @Test void receivedWithRportGoesToTheSourcePort() {
        Peer p = route("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport=40000;received=192.0.2.4", UDP_FROM);
        assertThat(p.remote()).isEqualTo(SRC);
        assertThat(p.local()).isEqualTo(LOCAL);
        assertThat(p.connectionId()).isZero();
    }

    @Test void receivedWithoutRportGoesToTheSentByPortOr5060() {
        assertThat(route("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;received=192.0.2.4", UDP_FROM).remote())
                .isEqualTo(new InetSocketAddress("192.0.2.4", 5070));
        assertThat(route("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1;received=192.0.2.4", UDP_FROM).remote())
                .isEqualTo(new InetSocketAddress("192.0.2.4", 5060));
    }

    @Test void ipLiteralSentByWithoutReceived() {
        assertThat(route("SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1", UDP_FROM).remote())
                .isEqualTo(new InetSocketAddress("192.0.2.4", 5070));
        assertThat(route("SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1", UDP_FROM).remote())
                .isEqualTo(new InetSocketAddress("2001:db8::1", 5060));
    }

    @Test void hostNameSentByWithoutReceivedCannotBeResolved() {
        assertThat(route("SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1", UDP_FROM)).isNull();
    }

    @Test void broadcastSentByIsRoutedToTheSourceOnceStamped() {
        // RFC 4475 3.1.1.8 bcast.dat: the transport stamps received=, so the Via host is never used.
        var via = Sip.request(Sip.options("SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1", "b")).topVia();
        Peer p = ResponseRouting.destination(ViaStamping.stamp(via, SRC), UDP_FROM);
        assertThat(p.remote()).isEqualTo(new InetSocketAddress("192.0.2.4", 5060));
        // Unstamped, it would name the broadcast address, which the allow-list refuses whatever its config.
        Peer raw = ResponseRouting.destination(via, UDP_FROM);
        assertThat(AllowList.ANY.allows(raw.remote())).isFalse();
    }
}
