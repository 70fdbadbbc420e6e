package io.sipfleet.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.parse.TestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Responses built without a second parse must be exactly what parsing their bytes gives: same
 * lines, same core headers (the To tag in particular), same body.
 */
class ResponsesTest {

    @ParameterizedTest
    @ValueSource(strings = {"typical/invite.dat", "rfc4475/wsinv.dat", "rfc4475/longreq.dat", "rfc4475/esc01.dat",
            "rfc4475/inv2543.dat", "rfc5118/mult-ip-in-header.dat"})
    void builtResponseEqualsItsParsedBytes(String file) throws Exception {
        SipRequest request = (SipRequest) SipParser.parse(TestData.bytes(file));
        for (int code : new int[] {100, 180, 200, 407, 486}) {
            SipResponse built = Responses.create(request, code, "Reason " + code, "t" + code,
                    new HeaderField("Server", "x"), new HeaderField("Retry-After", "5"));
            SipResponse parsed = (SipResponse) SipParser.parse(built.toBytes());
            assertThat(built).isEqualTo(parsed);
            assertThat(built.statusCode()).isEqualTo(code);
            assertThat(built.vias()).isEqualTo(parsed.vias());
            assertThat(built.to()).isEqualTo(parsed.to());
            assertThat(built.to().tag()).isEqualTo(parsed.to().tag());
            assertThat(built.from()).isEqualTo(parsed.from());
            assertThat(built.cseq()).isEqualTo(parsed.cseq());
            assertThat(built.callId()).isEqualTo(parsed.callId());
            assertThat(built.contentLength()).isEqualTo(parsed.contentLength());
            assertThat(built.header("Retry-After")).isEqualTo("5");
            assertThat(built.array()).as("sized exactly: no growth, no trimming copy").hasSize(built.length());
            if (code == 100 || request.to().tag() != null) assertThat(built.to().tag()).isEqualTo(request.to().tag());
            else assertThat(built.to().tag()).isEqualTo("t" + code);
        }
    }

    @Test void aContactOrABodyIsParsedLikeAnyMessage() throws Exception {
        SipRequest request = (SipRequest) SipParser.parse(TestData.bytes("typical/invite.dat"));
        SipResponse moved = Responses.create(request, 302, "Moved Temporarily", "x1",
                new HeaderField("Contact", "<sip:1002@127.0.0.3:5060>"));
        assertThat(moved.contacts()).hasSize(1);
        assertThat(moved.contacts().get(0).sipUri().host()).isEqualTo("127.0.0.3");
        SipResponse reparsed = (SipResponse) SipParser.parse(moved.toBytes());
        assertThat(moved.contacts()).isEqualTo(reparsed.contacts());
        assertThat(moved.vias()).isEqualTo(reparsed.vias());
        assertThat(moved.to()).isEqualTo(reparsed.to());
        SipResponse registered = Responses.create(request, 200, "OK", "x3",
                new HeaderField("Contact", "<sip:1001@192.0.2.1:5060>;expires=3600, <sip:1001@192.0.2.2:5062>;expires=60;q=0.5"),
                new HeaderField("Date", "Wed, 25 Nov 2026 10:00:00 GMT"));
        assertThat(registered.contacts()).isEqualTo(((SipResponse) SipParser.parse(registered.toBytes())).contacts());
        assertThat(registered.contacts()).hasSize(2);
        byte[] sdp = "v=0\r\n".getBytes(StandardCharsets.US_ASCII);
        SipResponse ok = Responses.create(request, 200, "OK", "x2", "application/sdp", sdp);
        assertThat(ok.bodyText()).isEqualTo("v=0\r\n");
        assertThat(ok.header(HeaderName.CONTENT_TYPE)).isEqualTo("application/sdp");
        assertThat(SipParser.parse(ok.toBytes())).isEqualTo(ok);
    }

    /** Text past ASCII (a reason phrase, a header value) goes out as UTF-8, from its first non-ASCII character on. */
    @Test void nonAsciiTextIsWrittenAsUtf8() throws Exception {
        SipRequest request = (SipRequest) SipParser.parse(TestData.bytes("typical/invite.dat"));
        SipResponse r = Responses.create(request, 480, "Vor\u00fcbergehend nicht verf\u00fcgbar", "x4",
                new HeaderField("Warning", "399 sipfleet \"Z\u00fcrich \u2192 Gen\u00e8ve\""));
        String wire = new String(r.toBytes(), StandardCharsets.UTF_8);
        assertThat(wire).startsWith("SIP/2.0 480 Vor\u00fcbergehend nicht verf\u00fcgbar\r\n")
                .contains("\r\nWarning: 399 sipfleet \"Z\u00fcrich \u2192 Gen\u00e8ve\"\r\n");
        SipResponse parsed = (SipResponse) SipParser.parse(r.toBytes());
        assertThat(parsed.header("Warning")).isEqualTo(r.header("Warning")).isEqualTo("399 sipfleet \"Z\u00fcrich \u2192 Gen\u00e8ve\"");
        assertThat(parsed.reason()).isEqualTo("Vor\u00fcbergehend nicht verf\u00fcgbar");
        assertThat(r.array()).as("sized exactly for UTF-8 too").hasSize(r.length());
    }
}
