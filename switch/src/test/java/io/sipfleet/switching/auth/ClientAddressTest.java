package io.sipfleet.switching.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transport.Peer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Behind a dispatcher, failures count against the relayed client, not the dispatcher. */
class ClientAddressTest {
    static final String DISPATCHER = "127.0.0.10", SWITCH = "127.0.0.2";

    static SipRequest register(String vias) throws Exception {
        return (SipRequest) SipParser.parse("REGISTER sip:sipfleet.local SIP/2.0\r\n" + vias
                + "From: <sip:1001@sipfleet.local>;tag=1\r\nTo: <sip:1001@sipfleet.local>\r\nCall-ID: c1\r\n"
                + "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n");
    }

    static Peer from(String ip) throws Exception {
        return Peer.udp(new InetSocketAddress(InetAddress.getByName(ip), 5060), new InetSocketAddress(SWITCH, 5060));
    }

    @Test void requestsRelayedByADispatcherAreAttributedToTheStampedClient() throws Exception {
        ClientAddress clients = new ClientAddress(Set.of(InetAddress.getByName(DISPATCHER)));
        SipRequest relayed = register("Via: SIP/2.0/UDP 127.0.0.10:5060;branch=z9hG4bKd1\r\n"
                + "Via: SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bKu1;rport=40000;received=198.51.100.7\r\n");
        assertThat(clients.of(relayed, from(DISPATCHER))).isEqualTo(InetAddress.getByName("198.51.100.7"));
    }

    @Test void aDirectRequestIsItsSource() throws Exception {
        ClientAddress clients = new ClientAddress(Set.of(InetAddress.getByName(DISPATCHER)));
        SipRequest direct = register("Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKu1\r\n"
                + "Via: SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKx;received=192.0.2.99\r\n");
        // A client cannot pick who it is blamed as by adding Vias: only a dispatcher's relay counts.
        assertThat(clients.of(direct, from("203.0.113.5"))).isEqualTo(InetAddress.getByName("203.0.113.5"));
        assertThat(ClientAddress.direct().of(direct, from(DISPATCHER))).isEqualTo(InetAddress.getByName(DISPATCHER));
    }
}
