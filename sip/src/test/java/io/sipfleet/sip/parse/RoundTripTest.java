package io.sipfleet.sip.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** parse(serialize(m)) equals m, and a proxy's edits leave every other byte alone. */
class RoundTripTest {

    static Stream<String> validMessages() {
        return Stream.of("wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq",
                "semiuri", "transports", "mpart01", "unreason", "noreason", "badbranch", "baddate", "unkscm",
                "novelsc", "unksm2", "bext01", "invut", "regaut01", "bcast", "zeromf", "cparam01", "cparam02",
                "regescrt", "sdp01", "inv2543").map(n -> "rfc4475/" + n + ".dat");
    }

    @ParameterizedTest
    @MethodSource("validMessages")
    void serializeThenParseGivesTheSameMessage(String file) throws Exception {
        SipMessage m = SipParser.parse(TestData.bytes(file));
        byte[] wire = m.toBytes();
        SipMessage again = SipParser.parse(wire);
        assertThat(again).isEqualTo(m);
        assertThat(again.toBytes()).isEqualTo(wire);
    }

    @ParameterizedTest
    @MethodSource("validMessages")
    void editedMessagesRoundTripToo(String file) throws Exception {
        SipMessage m = SipParser.parse(TestData.bytes(file));
        SipMessage edited = m.edit()
                .addFirst(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK-proxy-1")
                .set(HeaderName.MAX_FORWARDS, "42")
                .build();
        assertThat(edited.topVia().branch()).isEqualTo("z9hG4bK-proxy-1");
        assertThat(edited.vias()).hasSize(m.vias().size() + 1);
        assertThat(edited.vias().subList(1, edited.vias().size())).isEqualTo(m.vias());
        assertThat(edited.maxForwards()).isEqualTo(42);
        assertThat(edited.callId()).isEqualTo(m.callId());
        assertThat(edited.body()).isEqualTo(m.body());
        assertThat(SipParser.parse(edited.toBytes())).isEqualTo(edited);
    }

    /**
     * Pushes and pops at the top of Via, Route and Record-Route (a proxy's edits) derive the new
     * lists from the parsed ones without re-parsing them: they must be exactly what parsing the
     * built bytes gives, whatever the order of the edits.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validMessages")
    void topEditsGiveTheListsAFullParseGives(String file) throws Exception {
        SipMessage m = SipParser.parse(TestData.bytes(file));
        SipMessage edited = m.edit()
                .addFirst(HeaderName.RECORD_ROUTE, "<sip:127.0.0.2;lr;flow=x>")
                .removeFirstValue(HeaderName.ROUTE)
                .addFirst(io.sipfleet.sip.message.Via.of("UDP", "127.0.0.2", 5060, "z9hG4bK-a"))
                .addFirst(HeaderName.VIA, "SIP/2.0/TCP 127.0.0.3;branch=z9hG4bK-b, SIP/2.0/UDP 127.0.0.4;branch=z9hG4bK-c")
                .removeFirstValue(HeaderName.VIA)
                .addFirst(HeaderName.ROUTE, "<sip:127.0.0.9;lr>, <sip:127.0.0.8;lr>")
                .removeFirstValue(HeaderName.RECORD_ROUTE)
                .addFirst(HeaderName.RECORD_ROUTE, "<sip:127.0.0.5;lr>")
                .build();
        SipMessage reparsed = SipParser.parse(edited.toBytes());
        assertThat(edited.vias()).isEqualTo(reparsed.vias());
        assertThat(edited.routes()).isEqualTo(reparsed.routes());
        assertThat(edited.recordRoutes()).isEqualTo(reparsed.recordRoutes());
        assertThat(edited.topVia().branch()).isEqualTo("z9hG4bK-c");
        assertThat(edited.vias().get(1).branch()).isEqualTo("z9hG4bK-a");
        assertThat(reparsed).isEqualTo(edited);
        // popping every Via leaves none: an error, as the full parse says
        SipMessage oneVia = m.edit().addFirst(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK-d").build();
        var popAll = oneVia.edit();
        for (int i = 0; i < oneVia.vias().size(); i++) popAll.removeFirstValue(HeaderName.VIA);
        org.assertj.core.api.Assertions.assertThatThrownBy(popAll::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Via");
    }

    @Test void proxyEditKeepsUntouchedLinesByteForByte() throws Exception {
        SipRequest invite = (SipRequest) SipParser.parse(TestData.bytes("rfc4475/wsinv.dat"));
        SipMessage fwd = invite.edit()
                .addFirst(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.2;branch=z9hG4bKfwd")
                .removeFirstValue(HeaderName.ROUTE)
                .set(HeaderName.MAX_FORWARDS, Integer.toString(invite.maxForwards() - 1))
                .addFirst(HeaderName.RECORD_ROUTE, "<sip:127.0.0.2;lr>")
                .build();
        String out = new String(fwd.toBytes(), StandardCharsets.UTF_8);
        // Folded, oddly spaced lines nobody touched come out exactly as they came in.
        assertThat(out).contains("NewFangledHeader:   newfangled value\r\n continued newfangled value\r\n");
        assertThat(out).contains("from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n");
        assertThat(out).startsWith("INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n");
        // the new Via goes right above the first Via line, wherever that line is
        assertThat(out).contains("Via: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bKfwd\r\nVia  : SIP  /   2.0\r\n");
        assertThat(out).doesNotContain("Route:\r\n <sip:services.example.com");
        assertThat(fwd.routes()).isEmpty();
        assertThat(fwd.maxForwards()).isEqualTo(67);
        assertThat(fwd.recordRoutes()).hasSize(1);
        assertThat(fwd.vias()).hasSize(4);
    }

    @Test void responseTopViaRemovedOtherValuesOfTheLineKept() throws Exception {
        String text = "SIP/2.0 200 OK\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bKa, SIP/2.0/UDP 127.0.0.20:5090;branch=z9hG4bKb;rport=5090\r\n"
                + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        SipResponse r = (SipResponse) SipParser.parse(text);
        SipMessage up = r.edit().removeFirstValue(HeaderName.VIA).build();
        assertThat(up.vias()).extracting(Via::branch).containsExactly("z9hG4bKb");
        assertThat(up.toString()).contains("\r\nVia: SIP/2.0/UDP 127.0.0.20:5090;branch=z9hG4bKb;rport=5090\r\n");
    }

    @Test void typicalMessagesSerializeToTheirOwnBytes() throws Exception {
        for (String f : new String[] {"typical/invite.dat", "typical/ok200.dat"}) {
            byte[] in = TestData.bytes(f);
            assertThat(SipParser.parse(in).toBytes()).isEqualTo(in);
        }
    }

    @Test void replaceFirstValueKeepsPositionAndTheOtherValues() throws Exception {
        String text = "INVITE sip:b@x SIP/2.0\r\nMax-Forwards: 70\r\n"
                + "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa;rport, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKb\r\n"
                + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        SipMessage m = SipParser.parse(text);
        Via stamped = m.topVia().withParam("received", "192.0.2.7").withParam("rport", "5062");
        SipMessage out = m.edit().replaceFirstValue(HeaderName.VIA, stamped.toString()).build();
        assertThat(out.toString()).contains("Max-Forwards: 70\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa;rport=5062;received=192.0.2.7, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKb\r\n");
        assertThat(out.vias()).hasSize(2);
        assertThat(out.topVia().rport()).isEqualTo(5062);
        assertThat(SipParser.parse(out.toBytes())).isEqualTo(out);
    }
}
