package io.sipfleet.sip.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.AbsoluteUri;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Via;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * RFC 4475 section 3.1.1 (valid messages a parser MUST accept) and the well-formed messages of
 * 3.2 to 3.4: each parses, and the field that makes the case tricky has the value the RFC says.
 */
class Rfc4475ValidTest {

    static SipMessage parse(String file) throws SipParseException {
        return SipParser.parse(TestData.bytes("rfc4475/" + file));
    }

    static SipRequest request(String file) throws SipParseException {
        return (SipRequest) parse(file);
    }

    @Test void wsinv_foldingAndLwsEverywhere() throws Exception {
        SipRequest m = request("wsinv.dat");
        assertThat(m.method()).isEqualTo("INVITE");
        assertThat(m.requestUri()).hasToString("sip:vivekg@chair-dnrc.example.com;unknownparam");
        assertThat(m.callId()).isEqualTo("wsinv.ndaksdj@192.0.2.1");
        assertThat(m.cseq().seq()).isEqualTo(9); // "0009" folded onto the next line
        assertThat(m.cseq().method()).isEqualTo("INVITE");
        assertThat(m.maxForwards()).isEqualTo(68); // "0068"
        assertThat(m.to().tag()).isEqualTo("1918181833n");
        assertThat(m.from().displayName()).isEqualTo("J Rosenberg \\\"");
        assertThat(m.from().tag()).isEqualTo("98asjd8");
        assertThat(m.vias()).extracting(Via::transport, Via::host, Via::branch).containsExactly(
                org.assertj.core.groups.Tuple.tuple("UDP", "192.0.2.2", "390skdjuw"),
                org.assertj.core.groups.Tuple.tuple("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
                org.assertj.core.groups.Tuple.tuple("UDP", "192.168.255.111", "z9hG4bK30239"));
        NameAddr contact = m.contacts().get(0);
        assertThat(contact.displayName()).isEqualTo("Quoted string \"\"");
        assertThat(contact.params().get("newparam")).isEqualTo("newvalue");
        assertThat(contact.params().has("secondparam")).isTrue();
        assertThat(contact.q()).isEqualTo(330);
        assertThat(m.routes().get(0).sipUri().lr()).isTrue();
        assertThat(m.header(HeaderName.SUBJECT)).isEmpty();
        assertThat(m.header("NewFangledHeader")).isEqualTo("newfangled value continued newfangled value");
        assertThat(m.header("UnknownHeaderWithUnusualValue")).isEqualTo(";;,,;;,;");
        assertThat(m.contentLength()).isEqualTo(150);
        assertThat(m.bodyLength()).isEqualTo(150);
    }

    @Test void intmeth_unknownMethodOfTokenCharacters() throws Exception {
        SipRequest m = request("intmeth.dat");
        assertThat(m.method()).isEqualTo("!interesting-Method0123456789_*+`.%indeed'~");
        assertThat(m.cseq().method()).isEqualTo(m.method());
        SipUri ruri = (SipUri) m.requestUri();
        assertThat(ruri.user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
        assertThat(ruri.password()).isEqualTo("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
        assertThat(ruri.host()).isEqualTo("example.com");
        assertThat(m.to().displayName()).isEqualTo("BEL:\u0007 NUL:\u0000 DEL:\u007f");
        assertThat(m.callId()).isEqualTo("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
        assertThat(m.topVia().branch()).isEqualTo("z9hG4bK-.!%66*_+`'~");
        assertThat(m.from().params().getUnquoted("fromParam''~+*_!.-%")).isEqualTo("работающий");
    }

    @Test void esc01_escapesKeptAndDecoded() throws Exception {
        SipRequest m = request("esc01.dat");
        SipUri ruri = (SipUri) m.requestUri();
        assertThat(ruri.user()).isEqualTo("sips%3Auser%40example.com");
        assertThat(ruri.decodedUser()).isEqualTo("sips:user@example.com");
        assertThat(m.to().sipUri().decodedUser()).isEqualTo("user");
        assertThat(m.from().sipUri().decodedUser()).isEqualTo("I have spaces");
        SipUri contact = m.contacts().get(0).sipUri();
        assertThat(contact.decodedUser()).isEqualTo("caller");
        // name=value%41 is "valueA" only after decoding; kept as written for forwarding
        assertThat(contact.params().get("n%61me")).isEqualTo("v%61lue%25%34%31");
        assertThat(SipUri.decode(contact.params().get("n%61me"))).isEqualTo("value%41");
        assertThat(m.callId()).isEqualTo("esc01.239409asdfakjkn23onasd0-3234");
    }

    @Test void escnull_nulInUserPartDoesNotCutTheAor() throws Exception {
        SipRequest m = request("escnull.dat");
        assertThat(m.method()).isEqualTo("REGISTER");
        assertThat(m.to().sipUri().decodedUser()).isEqualTo("null-\u0000-null");
        assertThat(m.contacts()).hasSize(2);
        assertThat(m.contacts().get(0).sipUri().decodedUser()).isEqualTo("\u0000");
        assertThat(m.contacts().get(1).sipUri().decodedUser()).isEqualTo("\u0000\u0000");
        assertThat(m.contentLength()).isZero(); // "L:0"
    }

    @Test void esc02_percentIsNotAnEscapeInAMethod() throws Exception {
        SipRequest m = request("esc02.dat");
        assertThat(m.method()).isEqualTo("RE%47IST%45R").isNotEqualTo("REGISTER");
        assertThat(m.from().displayName()).isEqualTo("%Z%45");
        assertThat(m.contacts()).hasSize(2);
        assertThat(m.topVia().branch()).isEqualTo("z9hG4bK209%fzsnel234");
    }

    @Test void lwsdisp_noSpaceBeforeAngle() throws Exception {
        SipRequest m = request("lwsdisp.dat");
        assertThat(m.from().displayName()).isEqualTo("caller");
        assertThat(m.from().sipUri().user()).isEqualTo("caller");
        assertThat(m.from().tag()).isEqualTo("323");
    }

    @Test void longreq_longValuesAndManyVias() throws Exception {
        SipRequest m = request("longreq.dat");
        assertThat(m.vias()).hasSize(34);
        assertThat(m.vias().get(1).host()).isEqualTo("sip32.example.com");
        assertThat(m.vias().get(33).received()).isEqualTo("192.0.2.5");
        assertThat(m.callId()).startsWith("longreq.onereallyreally").endsWith("longcallid");
        assertThat(m.from().tag()).hasSize(155).endsWith("982424");
        assertThat(m.to().sipUri().port()).isEqualTo(6000);
        assertThat(m.contentLength()).isEqualTo(150);
    }

    @Test void dblreq_trailingBytesOfTheDatagramIgnored() throws Exception {
        byte[] datagram = TestData.bytes("rfc4475/dblreq.dat");
        SipRequest m = request("dblreq.dat");
        assertThat(m.method()).isEqualTo("REGISTER");
        assertThat(m.callId()).isEqualTo("dblreq.0ha0isndaksdj99sdfafnl3lk233412");
        assertThat(m.bodyLength()).isZero();
        assertThat(m.length()).isLessThan(datagram.length);
        // A forwarded REGISTER must not carry the INVITE-looking bytes.
        assertThat(new String(m.toBytes(), StandardCharsets.UTF_8)).doesNotContain("INVITE").endsWith("\r\n\r\n");
    }

    @Test void semiuri_semicolonInUserPart() throws Exception {
        SipUri ruri = (SipUri) request("semiuri.dat").requestUri();
        assertThat(ruri.decodedUser()).isEqualTo("user;par=u@example.net");
        assertThat(ruri.host()).isEqualTo("example.com");
        assertThat(ruri.params().isEmpty()).isTrue();
    }

    @Test void transports_everyViaTransport() throws Exception {
        assertThat(request("transports.dat").vias()).extracting(Via::transport)
                .containsExactly("UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
    }

    @Test void mpart01_binaryBodyFramedByContentLength() throws Exception {
        SipRequest m = request("mpart01.dat");
        assertThat(m.method()).isEqualTo("MESSAGE");
        assertThat(m.contentLength()).isEqualTo(553);
        byte[] body = m.body();
        assertThat(body).hasSize(553).contains((byte) 0);
        assertThat(m.topVia().hasRport()).isTrue();
        assertThat(m.topVia().port()).isEqualTo(5070);
    }

    @Test void unreason_utf8ReasonPhrase() throws Exception {
        SipResponse r = (SipResponse) parse("unreason.dat");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.reason()).isEqualTo("= 2**3 * 5**2 но сто девяносто девять - простое");
        assertThat(r.callId()).isEqualTo("unreason.1234ksdfak3j2erwedfsASdf");
    }

    @Test void noreason_emptyReasonPhrase() throws Exception {
        SipResponse r = (SipResponse) parse("noreason.dat");
        assertThat(r.statusCode()).isEqualTo(100);
        assertThat(r.reason()).isEmpty();
    }

    @Test void badbranch_bareMagicCookieParsesButIsNotAnRfc3261Branch() throws Exception {
        Via via = request("badbranch.dat").topVia();
        assertThat(via.branch()).isEqualTo("z9hG4bK");
        assertThat(via.hasRfc3261Branch()).isFalse();
    }

    @Test void baddate_dateIsNotTheParsersBusiness() throws Exception {
        assertThat(request("baddate.dat").header(HeaderName.DATE)).isEqualTo("Fri, 01 Jan 2010 16:00:00 EST");
    }

    @Test void unkscm_and_novelsc_unknownSchemesParse() throws Exception {
        assertThat(request("unkscm.dat").requestUri()).isInstanceOf(AbsoluteUri.class)
                .hasToString("nobodyknowsthisscheme:totallyopaquecontent");
        assertThat(request("novelsc.dat").requestUri().scheme()).isEqualTo("soap.beep");
    }

    @Test void unksm2_nonSipAddressesParse() throws Exception {
        SipRequest m = request("unksm2.dat");
        assertThat(m.to().uri().scheme()).isEqualTo("isbn");
        assertThat(m.from().uri().scheme()).isEqualTo("http");
        assertThat(m.contacts().get(0).uri().scheme()).isEqualTo("name");
    }

    @Test void bext01_requireHeadersAvailable() throws Exception {
        SipRequest m = request("bext01.dat");
        assertThat(m.header(HeaderName.REQUIRE)).isEqualTo("nothingSupportsThis, nothingSupportsThisEither");
        assertThat(m.header(HeaderName.PROXY_REQUIRE)).isEqualTo("noProxiesSupportThis, norDoAnyProxiesSupportThis");
    }

    @Test void invut_regaut01_sdp01_wellFormed() throws Exception {
        assertThat(request("invut.dat").header(HeaderName.CONTENT_TYPE)).isEqualTo("application/unknownformat");
        assertThat(request("regaut01.dat").header(HeaderName.AUTHORIZATION)).startsWith("NoOneKnowsThisScheme");
        assertThat(request("sdp01.dat").header(HeaderName.ACCEPT)).isEqualTo("text/nobodyKnowsThis");
    }

    @Test void bcast_responseWithBroadcastViaParses() throws Exception {
        SipResponse r = (SipResponse) parse("bcast.dat");
        assertThat(r.vias().get(1).host()).isEqualTo("255.255.255.255");
    }

    @Test void zeromf_maxForwardsZero() throws Exception {
        assertThat(request("zeromf.dat").maxForwards()).isZero();
    }

    @Test void cparam01_unbracketedContactParamIsAHeaderParam() throws Exception {
        NameAddr c = request("cparam01.dat").contacts().get(0);
        assertThat(c.params().has("unknownparam")).isTrue();
        assertThat(c.sipUri().params().has("unknownparam")).isFalse();
    }

    @Test void cparam02_bracketedContactParamIsAUriParam() throws Exception {
        NameAddr c = request("cparam02.dat").contacts().get(0);
        assertThat(c.sipUri().params().has("unknownparam")).isTrue();
        assertThat(c.params().has("unknownparam")).isFalse();
    }

    @Test void regescrt_contactKeepsEscapedHeaders() throws Exception {
        SipUri c = request("regescrt.dat").contacts().get(0).sipUri();
        assertThat(c.headers()).isEqualTo("Route=%3Csip:sip.example.com%3E");
        assertThat(c).hasToString("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
    }

    @Test void inv2543_rfc2543RequestAccepted() throws Exception {
        SipRequest m = request("inv2543.dat");
        assertThat(m.topVia().branch()).isNull();
        assertThat(m.from().tag()).isNull();
        assertThat(m.maxForwards()).isEqualTo(-1);
        assertThat(m.contentLength()).isEqualTo(-1);
        assertThat(m.bodyText()).startsWith("v=0"); // body is the rest of the datagram
        assertThat(m.to().params().get("user")).isEqualTo("phone"); // addr-spec: header param
    }
}
