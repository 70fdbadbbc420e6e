package io.sipfleet.sip.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.TelUri;
import io.sipfleet.sip.message.Uri;
import org.junit.jupiter.api.Test;

/** Grammar corners that the torture corpora do not pin, with the exact error texts users see. */
class ParserUnitTest {
    static final String HEAD = "OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n"
            + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: x1\r\nCSeq: 1 OPTIONS\r\n";

    @Test void compactFormsMapToTheLongNames() throws Exception {
        SipRequest m = (SipRequest) SipParser.parse("INVITE sip:b@x SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bKq\r\n"
                + "f: <sip:a@x>;tag=9\r\nt: sip:b@x\r\ni: cid\r\nCSeq: 7 INVITE\r\nm: <sip:a@h>\r\nc: application/sdp\r\n"
                + "k: timer\r\ns: hi\r\nl: 3\r\n\r\nabc");
        assertThat(m.topVia().transport()).isEqualTo("TCP");
        assertThat(m.callId()).isEqualTo("cid");
        assertThat(m.header(HeaderName.CONTENT_TYPE)).isEqualTo("application/sdp");
        assertThat(m.header(HeaderName.SUPPORTED)).isEqualTo("timer");
        assertThat(m.header("Subject")).isEqualTo("hi");
        assertThat(m.bodyText()).isEqualTo("abc");
    }

    @Test void contactStarAndMultipleValues() throws Exception {
        SipRequest star = (SipRequest) SipParser.parse(HEAD.replace("OPTIONS", "REGISTER") + "Contact: *\r\nExpires: 0\r\n\r\n");
        assertThat(star.isContactStar()).isTrue();
        SipRequest two = (SipRequest) SipParser.parse(HEAD + "Contact: <sip:a@h1>;q=0.7;expires=60, \"B\" <sip:a@h2>;q=1\r\n\r\n");
        assertThat(two.contacts()).hasSize(2);
        assertThat(two.contacts().get(0).q()).isEqualTo(700);
        assertThat(two.contacts().get(0).expires()).isEqualTo(60);
        assertThat(two.contacts().get(1).displayName()).isEqualTo("B");
        SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> SipParser.parse(HEAD + "Contact: *, <sip:a@h1>\r\n\r\n"));
        assertThat(e.reason()).startsWith("Bad Contact");
    }

    @Test void uriForms() throws Exception {
        SipUri u = (SipUri) Uri.parse("sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?Subject=hi&X=1");
        assertThat(u.secure()).isTrue();
        assertThat(u.user()).isEqualTo("alice");
        assertThat(u.password()).isEqualTo("secret");
        assertThat(u.host()).isEqualTo("[2001:db8::1]");
        assertThat(u.port()).isEqualTo(5061);
        assertThat(u.transport()).isEqualTo("tcp");
        assertThat(u.lr()).isTrue();
        assertThat(u.headers()).isEqualTo("Subject=hi&X=1");
        assertThat(u).hasToString("sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?Subject=hi&X=1");
        TelUri t = (TelUri) Uri.parse("tel:+1-201-555-0123;phone-context=example.com");
        assertThat(t.digits()).isEqualTo("+12015550123");
        assertThat(t.params().get("phone-context")).isEqualTo("example.com");
        assertThat(((SipUri) Uri.parse("SIP:x@H")).scheme()).isEqualTo("sip");
    }

    @Test void preciseErrorTexts() {
        assertThat(reason(HEAD + "Max-Forwards: 256\r\n\r\n")).isEqualTo("Bad Max-Forwards: Max-Forwards value above 255 near '6'");
        assertThat(reason(HEAD.replace("Call-ID: x1", "Call-ID: a b") + "\r\n")).startsWith("Bad Call-ID: character not allowed");
        assertThat(reason(HEAD.replace("sip:b@example.com SIP", "sip:b@example.com:99999 SIP") + "\r\n"))
                .isEqualTo("Bad Request-URI: port is not a number from 0 to 65535");
        assertThat(reason(HEAD.replace("CSeq: 1 OPTIONS", "CSeq: OPTIONS") + "\r\n"))
                .isEqualTo("Bad CSeq: expected digits for CSeq sequence number near 'O'");
        assertThat(reason("OPTIONS sip:x SIP/2.0\r\n\r\n")).isEqualTo("Missing Via header");
        assertThat(reason(HEAD + "Content-Length: 5\r\n\r\nab")).isEqualTo("Content-Length 5 exceeds the 2 body bytes received");
    }

    @Test void manyHeadersRejected() {
        StringBuilder sb = new StringBuilder(HEAD);
        for (int i = 0; i < 300; i++) sb.append("X-H").append(i).append(": v\r\n");
        assertThat(reason(sb + "\r\n")).isEqualTo("More than 256 header lines");
    }

    @Test void leadingCrlfIgnoredAndBareLfTolerated() throws Exception {
        SipRequest m = (SipRequest) SipParser.parse("\r\n\r\n" + HEAD.replace("\r\n", "\n") + "\n");
        assertThat(m.callId()).isEqualTo("x1");
        assertThat(reason("\r\n\r\n")).startsWith("Empty message");
    }

    @Test void streamWithoutContentLengthHasNoBody() throws Exception {
        byte[] b = (HEAD + "\r\n").getBytes();
        assertThat(SipParser.parseStream(b, 0, b.length).bodyLength()).isZero();
    }

    private static String reason(String message) {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> SipParser.parse(message));
        assertThat(e).as("expected a parse error for:\n" + message).isNotNull();
        return e.reason();
    }
}
