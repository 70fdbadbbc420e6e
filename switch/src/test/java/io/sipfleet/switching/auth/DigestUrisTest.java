package io.sipfleet.switching.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The digest-uri against the Request-URI (RFC 2617 3.2.2.5): as written, else as equivalent SIP URIs. */
class DigestUrisTest {

    private static SipRequest register(String requestUri) throws Exception {
        return (SipRequest) SipParser.parse(("REGISTER " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1\r\n"
                + "From: <sip:1001@example.com>;tag=1\r\nTo: <sip:1001@example.com>\r\n"
                + "Call-ID: c1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test void theRequestUriAsWrittenMatches() throws Exception {
        SipRequest r = register("sip:example.com;transport=udp");
        assertThat(DigestUris.matches("sip:example.com;transport=udp", r)).isTrue();
        assertThat(DigestUris.requestUriText(r)).isEqualTo("sip:example.com;transport=udp");
    }

    @Test void anotherUriOrAPrefixOrALongerOneDoesNot() throws Exception {
        SipRequest r = register("sip:example.com");
        assertThat(DigestUris.matches("sip:example.org", r)).isFalse();
        assertThat(DigestUris.matches("sip:example.co", r)).isFalse();
        assertThat(DigestUris.matches("sip:example.com.evil", r)).isFalse();
        assertThat(DigestUris.matches("sip:alice@example.com", r)).isFalse();
    }

    @Test void aReSpelledEquivalentUriMatches() throws Exception {
        SipRequest r = register("sip:Example.COM;transport=udp");
        assertThat(DigestUris.matches("sip:example.com;TRANSPORT=udp", r)).isTrue();
        assertThat(DigestUris.matches("sips:example.com;transport=udp", r)).isFalse();
    }

    /** A user part past ASCII (UTF-8 on the wire) compares as text, not byte by char. */
    @Test void nonAsciiRequestUriMatchesItsText() throws Exception {
        SipRequest r = register("sip:j\u00fcrg@example.com");
        assertThat(DigestUris.requestUriText(r)).isEqualTo("sip:j\u00fcrg@example.com");
        assertThat(DigestUris.matches("sip:j\u00fcrg@example.com", r)).isTrue();
        assertThat(DigestUris.matches("sip:j\u00fcrh@example.com", r)).isFalse();
        assertThat(DigestUris.matches("sip:jxxrg@example.com", r)).isFalse();
    }
}
