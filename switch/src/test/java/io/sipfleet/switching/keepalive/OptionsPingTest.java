package io.sipfleet.switching.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class OptionsPingTest {

    private static RecordingSender.Sent onlyPing(Harness h) {
        h.tickOnly(30);
        assertThat(h.net.pings()).hasSize(1);
        return h.net.pings().get(0);
    }

    @Test void optionsTargetsTheContactAndGoesToTheNatSourceFromTheRegisteredListener() {
        Harness h = new Harness();
        h.register("sip:alice@example.com", "sip:alice@192.168.1.20:5062;ob", "203.0.113.7", 40_000);

        RecordingSender.Sent ping = onlyPing(h);
        SipRequest r = ping.request();
        assertThat(r.method()).isEqualTo("OPTIONS");
        assertThat(r.startLine()).isEqualTo("OPTIONS sip:alice@192.168.1.20:5062;ob SIP/2.0");
        assertThat(((SipUri) r.to().uri()).aor()).isEqualTo("sip:alice@example.com");
        assertThat(r.to().tag()).isNull();
        assertThat(r.from().uri().toString()).isEqualTo("sip:ping@example.com");
        assertThat(r.from().tag()).isNotBlank();
        assertThat(r.callId()).isNotBlank();
        assertThat(r.cseq().seq()).isEqualTo(1);
        assertThat(r.cseq().method()).isEqualTo("OPTIONS");
        assertThat(r.maxForwards()).isEqualTo(70);
        assertThat(r.contentLength()).isZero();
        assertThat(r.vias()).hasSize(1);
        Via via = r.topVia();
        assertThat(via.transport()).isEqualTo("UDP");
        assertThat(via.sentBy()).isEqualTo("10.0.0.1:5060");
        assertThat(via.hasRfc3261Branch()).isTrue();
        assertThat(via.hasRport()).isTrue();

        Peer to = ping.to();
        assertThat(to.transport()).isEqualTo(Transport.UDP);
        assertThat(to.remote()).isEqualTo(new InetSocketAddress("203.0.113.7", 40_000));
        assertThat(to.local()).isEqualTo(new InetSocketAddress("10.0.0.1", 5060));
    }

    @Test void everyPingIsANewTransactionAndCall() {
        Harness h = new Harness();
        h.register("sip:alice@example.com", "sip:alice@192.168.1.20:5062", "203.0.113.7", 40_000);
        h.tickOnly(60);
        var pings = h.net.pings();
        assertThat(pings).hasSize(2);
        assertThat(pings.get(0).branch()).isNotEqualTo(pings.get(1).branch());
        assertThat(pings.get(0).request().callId()).isNotEqualTo(pings.get(1).request().callId());
        assertThat(pings.get(0).request().from().tag()).isNotEqualTo(pings.get(1).request().from().tag());
    }

    @Test void tcpAndIpv6FlowsGetTheirTransportAndBracketedHosts() {
        Harness h = new Harness(KeepAliveSettings.defaults(Harness.ME)); // no From domain: the listener
        h.register("sip:bob@example.com", "sip:bob@[2001:db8::20]:5060;transport=tcp",
                Harness.flow(Transport.TCP, "2001:db8:1::7", 50_123, "2001:db8::1", 5060), Harness.ME, 3600);

        RecordingSender.Sent ping = onlyPing(h);
        SipRequest r = ping.request();
        assertThat(r.startLine()).isEqualTo("OPTIONS sip:bob@[2001:db8::20]:5060;transport=tcp SIP/2.0");
        assertThat(r.topVia().transport()).isEqualTo("TCP");
        assertThat(r.topVia().sentBy()).isEqualTo("[2001:db8::1]:5060");
        assertThat(r.from().uri().toString()).isEqualTo("sip:ping@[2001:db8::1]");
        assertThat(ping.to().transport()).isEqualTo(Transport.TCP);
        assertThat(ping.to().remote()).isEqualTo(new InetSocketAddress("2001:db8:1::7", 50_123));
        assertThat(ping.to().local()).isEqualTo(new InetSocketAddress("2001:db8::1", 5060));
    }

    @Test void uriHeadersOfTheContactAreNotPartOfTheRequestUri() {
        StringBuilder sb = new StringBuilder();
        OptionsPing.appendRequestUri(sb, "sip:carol@192.0.2.5?Subject=hi");
        assertThat(sb).hasToString("sip:carol@192.0.2.5");
        sb.setLength(0);
        OptionsPing.appendRequestUri(sb, "<sip:carol@192.0.2.5;ob>");
        assertThat(sb).hasToString("sip:carol@192.0.2.5;ob");
    }

    @Test void aRefreshFromANewNatMappingMovesThePingsThere() {
        Harness h = new Harness();
        h.register("sip:alice@example.com", "sip:alice@192.168.1.20:5062", "203.0.113.7", 40_000);
        h.register("sip:alice@example.com", "sip:alice@192.168.1.20:5062", "203.0.113.7", 41_999);
        RecordingSender.Sent ping = onlyPing(h);
        assertThat(ping.to().remote()).isEqualTo(new InetSocketAddress("203.0.113.7", 41_999));
        assertThat(ping.request().header(HeaderName.CSEQ)).isEqualTo("1 OPTIONS");
    }
}
