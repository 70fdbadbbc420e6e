package io.sipfleet.sip.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Via;
import org.junit.jupiter.api.Test;

/** RFC 5118 IPv6 torture messages (wire forms). */
class Rfc5118Test {
    static SipRequest request(String file) throws SipParseException {
        return (SipRequest) SipParser.parse(TestData.bytes("rfc5118/" + file));
    }

    @Test void ipv6Good() throws Exception {
        SipRequest m = request("ipv6-good.dat");
        assertThat(((SipUri) m.requestUri()).host()).isEqualTo("[2001:db8::10]");
        assertThat(m.topVia().host()).isEqualTo("[2001:db8::9:1]");
        assertThat(m.contacts().get(0).sipUri().host()).isEqualTo("[2001:db8::1]");
    }

    @Test void ipv6WithoutBracketsRejected() {
        SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> SipParser.parse(TestData.bytes("rfc5118/ipv6-bad.dat")));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.reason()).contains("Request-URI").contains("must be enclosed in [ ]");
    }

    @Test void portAmbiguousIsPartOfTheAddress() throws Exception {
        SipUri u = (SipUri) request("port-ambiguous.dat").requestUri();
        assertThat(u.host()).isEqualTo("[2001:db8::10:5070]");
        assertThat(u.port()).isEqualTo(-1);
    }

    @Test void portUnambiguous() throws Exception {
        SipUri u = (SipUri) request("port-unambiguous.dat").requestUri();
        assertThat(u.host()).isEqualTo("[2001:db8::10]");
        assertThat(u.port()).isEqualTo(5070);
    }

    @Test void viaReceivedWithAndWithoutBrackets() throws Exception {
        assertThat(request("via-received-param-with-delim.dat").topVia().received()).isEqualTo("[2001:db8::9:255]");
        assertThat(request("via-received-param-no-delim.dat").topVia().received()).isEqualTo("2001:db8::9:255");
    }

    @Test void ipv6InSdp() throws Exception {
        SipRequest m = request("ipv6-in-sdp.dat");
        assertThat(m.bodyText()).contains("c=IN IP6 2001:db8::20");
        assertThat(m.bodyLength()).isEqualTo(m.contentLength());
    }

    @Test void multipleIpsInHeaders() throws Exception {
        SipRequest m = request("mult-ip-in-header.dat");
        assertThat(m.vias()).extracting(Via::host)
                .containsExactly("[2001:db8::9:1]", "192.0.2.1", "[2001:db8::9:255]");
        assertThat(m.vias().get(0).port()).isEqualTo(6050);
        assertThat(m.vias().get(2).received()).isEqualTo("192.0.2.200");
    }

    @Test void multipleIpsInSdp() throws Exception {
        assertThat(request("mult-ip-in-sdp.dat").bodyText()).contains("IN IP4").contains("IN IP6");
    }

    @Test void ipv4Mapped() throws Exception {
        SipRequest m = request("ipv4-mapped-ipv6.dat");
        assertThat(m.topVia().host()).isEqualTo("[::ffff:192.0.2.10]");
        assertThat(m.topVia().port()).isEqualTo(19823);
    }

    @Test void abnfColons() throws Exception {
        // Three colons: accepted leniently (RFC 5118 4.10 allows it); two colons: valid.
        SipMessage three = request("ipv6-bug-abnf-3-colons.dat");
        assertThat(((SipUri) ((SipRequest) three).requestUri()).host()).isEqualTo("[2001:db8:::192.0.2.1]");
        assertThat(((SipUri) request("ipv6-correct-abnf-2-colons.dat").requestUri()).host())
                .isEqualTo("[2001:db8::192.0.2.1]");
    }
}
