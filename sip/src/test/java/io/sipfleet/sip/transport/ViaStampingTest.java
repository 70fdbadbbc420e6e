package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.Via;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** RFC 3261 18.2.1 and RFC 3581 4 on the top Via, and that nothing else moves. */
class ViaStampingTest {
    private static final InetSocketAddress SRC = new InetSocketAddress("192.0.2.4", 40000);

    private static Via via(String v) { return Sip.request(Sip.options(v, "c1")).topVia(); }

    /**
     * {@code text} as the transport parses what arrived from {@link #SRC}: in an array with
     * {@code room} spare bytes (the datagram path's: the stamp is written in place; 0: the stream
     * path's, a new array), stamped before the rest is parsed.
     */
    private static SipMessage received(String text, int room) throws Exception {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] owned = java.util.Arrays.copyOf(b, b.length + room);
        java.util.Arrays.fill(owned, b.length, owned.length, (byte) 'x'); // what is past the message must not matter
        return io.sipfleet.sip.parse.SipParser.parseReceived(owned, b.length, room > 0, top -> ViaStamping.stamp(top, SRC));
    }

    @Test void sameAddressWithoutRportIsLeftAlone() {
        Via v = via("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1");
        assertThat(ViaStamping.stamp(v, SRC)).isSameAs(v);
    }

    @Test void otherAddressGetsReceived() {
        Via v = ViaStamping.stamp(via("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1"), SRC);
        assertThat(v.received()).isEqualTo("192.0.2.4");
        assertThat(v.hasRport()).isFalse();
    }

    @Test void hostNameGetsReceived() {
        Via v = ViaStamping.stamp(via("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1"), SRC);
        assertThat(v.received()).isEqualTo("192.0.2.4");
    }

    @Test void valuelessRportGetsThePortAndReceivedEvenForTheSameAddress() {
        Via v = ViaStamping.stamp(via("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1;rport"), SRC);
        assertThat(v.rport()).isEqualTo(40000);
        assertThat(v.received()).isEqualTo("192.0.2.4");
        assertThat(v.toString()).isEqualTo("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1;rport=40000;received=192.0.2.4");
    }

    @Test void ipv6SourceIsWrittenWithoutBrackets() {
        InetSocketAddress src6 = new InetSocketAddress("2001:db8::9", 5062);
        Via v = ViaStamping.stamp(via("SIP/2.0/UDP [2001:db8::10]:5060;branch=z9hG4bK1;rport"), src6);
        assertThat(v.received()).isEqualTo("2001:db8::9");
        assertThat(v.rport()).isEqualTo(5062);
        Via same = via("SIP/2.0/UDP [2001:db8:0::9]:5060;branch=z9hG4bK1");
        assertThat(ViaStamping.stamp(same, src6)).isSameAs(same);
    }

    @Test void onlyTheTopViaValueIsRewrittenTheRestStaysByteIdentical() throws Exception {
        String text = Sip.msg("OPTIONS sip:echo@127.0.0.1 SIP/2.0",
                "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport ,  SIP/2.0/TCP  proxy.example.com;branch=z9hG4bKp",
                "X-Odd:   spacing   kept",
                "v: SIP/2.0/UDP second.example.com;branch=z9hG4bK2",
                "From: <sip:alice@example.com>;tag=a1",
                "To: <sip:echo@example.com>",
                "Call-ID: c1",
                "CSeq: 1 OPTIONS");
        SipRequest r = Sip.request(text);
        SipMessage m = received(text, 0);
        String out = m.toString();
        assertThat(m.vias()).hasSize(3);
        assertThat(m.topVia().received()).isEqualTo("192.0.2.4");
        assertThat(m.topVia().rport()).isEqualTo(40000);
        assertThat(m.vias().get(1)).isEqualTo(r.vias().get(1));
        // the top value is rewritten in place: the rest of its line stays as written
        assertThat(out).contains("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport=40000;received=192.0.2.4"
                + " ,  SIP/2.0/TCP  proxy.example.com;branch=z9hG4bKp\r\n");
        assertThat(out).contains("X-Odd:   spacing   kept\r\n");
        assertThat(out).contains("v: SIP/2.0/UDP second.example.com;branch=z9hG4bK2\r\n");
        assertThat(m.header(HeaderName.CALL_ID)).isEqualTo("c1");
    }

    @Test void aReceivedTheSenderWroteItselfIsReplacedByTheRealSource() throws Exception {
        io.sipfleet.sip.message.Via forged = io.sipfleet.sip.message.Via.of("UDP", "192.0.2.4", 5060, "z9hG4bKf")
                .withParam("received", "198.51.100.66");
        java.net.InetSocketAddress src = new java.net.InetSocketAddress(java.net.InetAddress.getByName("192.0.2.4"), 5060);
        assertThat(ViaStamping.stamp(forged, src).received()).isEqualTo("192.0.2.4");
    }

    @Test void theSpliceGivesTheSameMessageAsTheGeneralEditFoldedLinesAndBodyIncluded() throws Exception {
        String text = String.join("\r\n",
                "INVITE sip:bob@example.com SIP/2.0",
                "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport",
                " , SIP/2.0/UDP relay.example.com;branch=z9hG4bKr",
                "Max-Forwards: 70",
                "From: <sip:alice@example.com>;tag=a1",
                "To: <sip:bob@example.com>",
                "Call-ID: c2",
                "CSeq: 1 INVITE",
                "Content-Type: application/sdp",
                "Content-Length: 5",
                "",
                "v=0\r\n");
        SipRequest r = Sip.request(text);
        io.sipfleet.sip.message.Via stamped = ViaStamping.stamp(r.topVia(), SRC);
        SipMessage fast = received(text, DatagramParser.STAMP_ROOM);
        SipMessage general = r.edit().replaceFirstValue(HeaderName.VIA, stamped.toString()).build();
        // the same message but for the fold before the second Via, which the splice keeps as written
        assertThat(fast.toString()).isEqualTo(general.toString().replace("192.0.2.4, SIP", "192.0.2.4\r\n , SIP"));
        assertThat(fast.vias()).isEqualTo(general.vias());
        assertThat(fast.bodyText()).isEqualTo("v=0\r\n");
        assertThat(fast.header(HeaderName.CONTENT_LENGTH)).isEqualTo("5");
        // and it parses back to the same thing
        assertThat(io.sipfleet.sip.parse.SipParser.parse(fast.toBytes())).isEqualTo(fast);
    }

    @Test void stampingInPlaceKeepsEveryLaterHeaderAndTheBodyWhetherTheViaGrowsOrShrinks() throws Exception {
        String forged = "198.51.100.166"; // longer than the real source: the value shrinks
        for (String via : new String[] {"SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport",
                "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1;received=" + forged}) {
            String text = String.join("\r\n",
                    "INVITE sip:bob@example.com SIP/2.0",
                    "Via: " + via,
                    "From: \"Alice\" <sip:alice@example.com;transport=udp>;tag=a1",
                    "To: <sip:bob@example.com>",
                    "Call-ID: c3",
                    "CSeq: 1 INVITE",
                    "Contact: <sip:alice@10.0.0.1:5060>",
                    "Content-Length: 5",
                    "",
                    "v=0\r\nEXTRA OCTETS PAST CONTENT-LENGTH");
            SipMessage m = received(text, DatagramParser.STAMP_ROOM);
            assertThat(m.topVia().received()).isEqualTo("192.0.2.4");
            assertThat(m.from().uri().toString()).isEqualTo("sip:alice@example.com;transport=udp");
            assertThat(m.from().tag()).isEqualTo("a1");
            assertThat(m.contacts().get(0).uri().toString()).isEqualTo("sip:alice@10.0.0.1:5060");
            assertThat(m.header(HeaderName.CALL_ID)).isEqualTo("c3");
            assertThat(m.bodyText()).isEqualTo("v=0\r\n");
            assertThat(m.toString()).doesNotContain("EXTRA").doesNotContain(forged);
            // what is sent on is exactly the message: it parses back to itself
            assertThat(io.sipfleet.sip.parse.SipParser.parse(m.toBytes())).isEqualTo(m);
        }
    }
    /**
     * The stamp is a splice of the bytes that change (the rport value, the appended received):
     * what the sender wrote stays as written (spacing, case, a quoted ';'), and the bytes parse
     * back to exactly the stamped Via the parser hands on (the transaction layer keys on it).
     */
    @Test void stampingSplicesOnlyWhatChangesAndTheBytesParseBackToTheStampedVia() throws Exception {
        String via = "SIP/2.0/UDP   10.0.0.1:5060 ;branch=z9hG4bK1 ; x=\"a;rport\" ;RPORT ;y=1 ";
        String text = String.join("\r\n",
                "INVITE sip:bob@example.com SIP/2.0",
                "Via: " + via + ", SIP/2.0/UDP relay.example.com;branch=z9hG4bKr",
                "From: <sip:alice@example.com>;tag=a1",
                "To: <sip:bob@example.com>",
                "Call-ID: c4",
                "CSeq: 1 INVITE",
                "Content-Length: 0",
                "", "");
        for (int room : new int[] {DatagramParser.STAMP_ROOM, 0}) {
            SipMessage m = received(text, room);
            String line = m.toString().lines().filter(l -> l.startsWith("Via:")).findFirst().orElseThrow();
            assertThat(line).isEqualTo("Via: SIP/2.0/UDP   10.0.0.1:5060 ;branch=z9hG4bK1 ; x=\"a;rport\" ;RPORT=40000 ;y=1;received=192.0.2.4"
                    + " , SIP/2.0/UDP relay.example.com;branch=z9hG4bKr");
            assertThat(m.topVia().rport()).isEqualTo(40000);
            assertThat(m.topVia().received()).isEqualTo("192.0.2.4");
            assertThat(m.topVia().params().get("x")).isEqualTo("\"a;rport\"");
            assertThat(io.sipfleet.sip.parse.SipParser.parse(m.toBytes()).vias()).isEqualTo(m.vias());
        }
    }
}
