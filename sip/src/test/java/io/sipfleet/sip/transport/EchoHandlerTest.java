package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.SipResponse;
import org.junit.jupiter.api.Test;

class EchoHandlerTest {
    private static final String VIA = "SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK1";

    private static SipResponse answer(String method, String uri, String... extra) {
        String[] lines = new String[6 + extra.length];
        lines[0] = method + " " + uri + " SIP/2.0";
        lines[1] = "Via: " + VIA;
        lines[2] = "From: <sip:alice@example.com>;tag=a1";
        lines[3] = "To: <sip:alice@example.com>";
        lines[4] = "Call-ID: echo-test";
        lines[5] = "CSeq: 7 " + method;
        System.arraycopy(extra, 0, lines, 6, extra.length);
        return EchoHandler.answer(Sip.request(Sip.msg(lines)));
    }

    @Test void optionsGets200WithCapabilities() {
        SipResponse r = answer("OPTIONS", "sip:echo@example.com");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.to().tag()).isNotBlank();
        assertThat(r.header("Allow")).isEqualTo(EchoHandler.ALLOW);
        assertThat(r.header("Accept")).isEqualTo("application/sdp");
        assertThat(r.indexOf(io.sipfleet.sip.message.HeaderName.SUPPORTED)).isGreaterThanOrEqualTo(0);
        assertThat(r.cseq().seq()).isEqualTo(7);
        assertThat(r.topVia().branch()).isEqualTo("z9hG4bK1");
    }

    @Test void registerEchoesContactsWithExpires() {
        SipResponse r = answer("REGISTER", "sip:example.com",
                "Contact: <sip:alice@192.0.2.4:5060>, \"Desk\" <sip:alice@192.0.2.5>;expires=60",
                "Contact: <sip:gone@192.0.2.6>;expires=0",
                "Expires: 1800");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contacts()).extracting(NameAddr::expires).containsExactly(1800L, 60L);
        assertThat(r.contacts()).extracting(c -> c.sipUri().host()).containsExactly("192.0.2.4", "192.0.2.5");
        assertThat(r.header("Date")).endsWith(" GMT");
        assertThat(answer("REGISTER", "sip:example.com", "Contact: <sip:a@192.0.2.4>").contacts().get(0).expires())
                .isEqualTo(3600);
    }

    @Test void registerQueryAndStar() {
        assertThat(answer("REGISTER", "sip:example.com").contacts()).isEmpty();
        assertThat(answer("REGISTER", "sip:example.com", "Contact: *", "Expires: 0").statusCode()).isEqualTo(200);
        assertThat(answer("REGISTER", "sip:example.com", "Contact: *", "Expires: 5").statusCode()).isEqualTo(400);
    }

    @Test void ackGetsNothingAndOtherMethods501WithAllow() {
        assertThat(answer("ACK", "sip:echo@example.com")).isNull();
        SipResponse r = answer("INVITE", "sip:echo@example.com");
        assertThat(r.statusCode()).isEqualTo(501);
        assertThat(r.header("Allow")).isEqualTo(EchoHandler.ALLOW);
        assertThat(answer("NEWFANGLED", "sip:echo@example.com").statusCode()).isEqualTo(501);
    }

    @Test void unknownSchemeGets416() {
        // RFC 4475 3.3.2 "unksm"
        assertThat(answer("OPTIONS", "nobodyKnowsThisScheme:totallyopaquecontent").statusCode()).isEqualTo(416);
        assertThat(answer("OPTIONS", "tel:+1-201-555-0123").statusCode()).isEqualTo(200);
        assertThat(answer("OPTIONS", "sips:echo@example.com").statusCode()).isEqualTo(200);
    }

    @Test void unknownRequireGets420WithUnsupported() {
        SipResponse r = answer("OPTIONS", "sip:echo@example.com", "Require: nothingSupportsThis, 100rel",
                "Require: foo");
        assertThat(r.statusCode()).isEqualTo(420);
        assertThat(r.header("Unsupported")).isEqualTo("nothingSupportsThis, 100rel, foo");
    }

    @Test void anExistingToTagIsKept() {
        String text = Sip.msg("OPTIONS sip:echo@example.com SIP/2.0", "Via: " + VIA,
                "From: <sip:alice@example.com>;tag=a1", "To: <sip:echo@example.com>;tag=mine", "Call-ID: x",
                "CSeq: 1 OPTIONS");
        assertThat(EchoHandler.answer(Sip.request(text)).to().tag()).isEqualTo("mine");
    }
}
