package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TCP framing decoder alone, on an EmbeddedChannel: whole, byte by byte, in random pieces. */
class SipStreamFramerTest {
    private static final String INVITE = Sip.withBody("v=0\r\no=- 1 1 IN IP4 192.0.2.4\r\ns=-\r\n",
            "INVITE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK1",
            "Max-Forwards: 70",
            "From: <sip:alice@example.com>;tag=a1",
            "To: <sip:bob@example.com>",
            "Call-ID: inv1",
            "CSeq: 1 INVITE",
            "Content-Type: application/sdp");
    private static final String OPTIONS = Sip.options("SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK2", "opt1");
    /** Compact l:, odd case and spacing, a folded header, a body with CRLFCRLF inside. */
    private static final String COMPACT = Sip.raw("a\r\n\r\nb",
            "MESSAGE sip:bob@example.com SIP/2.0",
            "v: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK3",
            "f: <sip:alice@example.com>;tag=a1",
            "t: <sip:bob@example.com>",
            "i: msg1",
            "CSeq: 1 MESSAGE",
            "Subject: folded",
            "  over two lines",
            "L  :   6");
    /** No Content-Length over TCP: no body (RFC 3261 18.3 says it must be there, be lenient). */
    private static final String NO_CL = Sip.raw("",
            "OPTIONS sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK4",
            "From: <sip:alice@example.com>;tag=a1",
            "To: <sip:bob@example.com>",
            "Call-ID: nocl",
            "CSeq: 1 OPTIONS");
    private static final String RESPONSE = Sip.msg("SIP/2.0 200 OK",
            "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK5",
            "From: <sip:alice@example.com>;tag=a1",
            "To: <sip:bob@example.com>;tag=b1",
            "Call-ID: r1",
            "CSeq: 1 OPTIONS");
    private static final List<String> ALL = List.of(INVITE, OPTIONS, COMPACT, NO_CL, RESPONSE);

    private TransportCounters counters;
    private EmbeddedChannel ch;

    @BeforeAll static void logging() { TestLogging.quiet(); }

    private EmbeddedChannel channel(int maxMessage, int maxBuffered) {
        counters = new TransportCounters();
        EmbeddedChannel[] self = new EmbeddedChannel[1];
        // Answers go straight back on the channel, as the real sender does for a connection.
        Outbound out = (bytes, len, to, what) -> self[0].writeAndFlush(Unpooled.wrappedBuffer(bytes, 0, len));
        self[0] = new EmbeddedChannel(new SipStreamFramer(maxMessage, maxBuffered, new ParseFailures(out, counters),
                counters));
        return ch = self[0];
    }

    private EmbeddedChannel channel() { return channel(65_535, 128 * 1024); }

    private List<String> inbound() {
        List<String> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) out.add(new String((byte[]) o, StandardCharsets.UTF_8));
        return out;
    }

    private String outbound() {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) sb.append(b.toString(StandardCharsets.UTF_8));
        return sb.toString();
    }

    private static byte[] concat(List<String> messages, String separator) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String m : messages) all.writeBytes((separator + m).getBytes(StandardCharsets.UTF_8));
        return all.toByteArray();
    }

    @Test void severalMessagesInOneBuffer() {
        channel().writeInbound(Unpooled.wrappedBuffer(concat(ALL, "")));
        assertThat(inbound()).containsExactlyElementsOf(ALL);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test void byteByByte() {
        channel();
        for (byte b : concat(ALL, "")) ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        assertThat(inbound()).containsExactlyElementsOf(ALL);
    }

    @ParameterizedTest @ValueSource(longs = {1, 2, 3, 42, 4711, 8080, 65_535})
    void randomFragments(long seed) {
        Random rnd = new Random(seed);
        byte[] all = concat(ALL, "\r\n"); // with stray CRLFs between messages too
        channel();
        for (int p = 0; p < all.length; ) {
            int n = Math.min(all.length - p, 1 + rnd.nextInt(rnd.nextBoolean() ? 7 : 300));
            ch.writeInbound(Unpooled.wrappedBuffer(all, p, n));
            p += n;
        }
        assertThat(inbound()).containsExactlyElementsOf(ALL);
        assertThat(outbound()).isEmpty();
    }

    @Test void lineEndingsWithBareLf() {
        String lf = OPTIONS.replace("\r\n", "\n");
        channel().writeInbound(Unpooled.wrappedBuffer(Sip.bytes(lf + lf)));
        assertThat(inbound()).containsExactly(lf, lf);
    }

    @Test void doubleCrlfPingGetsSingleCrlfPong() {
        channel().writeInbound(Unpooled.wrappedBuffer(Sip.bytes("\r\n\r\n")));
        assertThat(outbound()).isEqualTo("\r\n");
        ch.writeInbound(Unpooled.wrappedBuffer(Sip.bytes("\r\n")));
        ch.writeInbound(Unpooled.wrappedBuffer(Sip.bytes("\r\n" + OPTIONS)));
        assertThat(outbound()).isEqualTo("\r\n");
        assertThat(inbound()).containsExactly(OPTIONS);
        assertThat(counters.keepAlives.sum()).isEqualTo(2);
        assertThat(counters.pongs.sum()).isEqualTo(2);
    }

    @Test void aLoneCrlfBeforeAMessageIsSkippedWithoutPong() {
        channel().writeInbound(Unpooled.wrappedBuffer(Sip.bytes("\r\n" + OPTIONS + "\r\n" + OPTIONS)));
        assertThat(inbound()).containsExactly(OPTIONS, OPTIONS);
        assertThat(outbound()).isEmpty();
    }

    @Test void bodyAcrossReadsWaitsForContentLength() {
        channel();
        int split = INVITE.indexOf("v=0") + 2;
        ch.writeInbound(Unpooled.wrappedBuffer(Sip.bytes(INVITE.substring(0, split))));
        assertThat(inbound()).isEmpty();
        ch.writeInbound(Unpooled.wrappedBuffer(Sip.bytes(INVITE.substring(split))));
        assertThat(inbound()).containsExactly(INVITE);
    }

    @Test void negativeContentLengthAnswers400AndCloses() {
        // RFC 4475 3.1.2.8 "ncl": the message cannot be framed.
        String ncl = Sip.raw("0123456789", "INVITE sip:bob@example.com SIP/2.0",
                "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKncl", "From: <sip:a@example.com>;tag=1",
                "To: <sip:bob@example.com>", "Call-ID: ncl", "CSeq: 1 INVITE", "Content-Length: -999");
        channel().writeInbound(Unpooled.wrappedBuffer(Sip.bytes(ncl + OPTIONS)));
        assertThat(inbound()).isEmpty();
        String answer = outbound();
        assertThat(answer).startsWith("SIP/2.0 400 Bad Content-Length").contains("Call-ID: ncl");
        assertThat(ch.isOpen()).isFalse();
        assertThat(counters.snapshot(() -> 0).dropped(DropReason.TCP_FRAMING)).isEqualTo(1);
    }

    @Test void conflictingContentLengthsClose() {
        // RFC 4475 3.1.2.16 "mcl01": several different Content-Length values.
        String mcl = Sip.raw("0123456789", "OPTIONS sip:bob@example.com SIP/2.0",
                "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKmcl", "From: <sip:a@example.com>;tag=1",
                "To: <sip:bob@example.com>", "Call-ID: mcl", "CSeq: 1 OPTIONS",
                "Content-Length: 3", "l: 10");
        channel().writeInbound(Unpooled.wrappedBuffer(Sip.bytes(mcl)));
        assertThat(inbound()).isEmpty();
        assertThat(outbound()).startsWith("SIP/2.0 400 More than one Content-Length header");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test void sameContentLengthTwiceFramesAndLeavesTheErrorToTheParser() {
        String twice = Sip.raw("abc", "OPTIONS sip:bob@example.com SIP/2.0",
                "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKx", "From: <sip:a@example.com>;tag=1",
                "To: <sip:bob@example.com>", "Call-ID: twice", "CSeq: 1 OPTIONS",
                "Content-Length: 3", "content-length:3");
        channel().writeInbound(Unpooled.wrappedBuffer(Sip.bytes(twice + OPTIONS)));
        assertThat(inbound()).containsExactly(twice, OPTIONS);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test void headerSectionLargerThanTheLimitAnswers513AndCloses() {
        StringBuilder big = new StringBuilder("OPTIONS sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKbig\r\nFrom: <sip:a@example.com>;tag=1\r\n"
                + "To: <sip:bob@example.com>\r\nCall-ID: big\r\nCSeq: 1 OPTIONS\r\n");
        while (big.length() < 3000) big.append("X-Filler: ").append("x".repeat(60)).append("\r\n");
        channel(1024, 4096);
        byte[] b = Sip.bytes(big.toString());
        for (int p = 0; p < b.length && ch.isOpen(); p += 100) {
            ch.writeInbound(Unpooled.wrappedBuffer(b, p, Math.min(100, b.length - p)));
        }
        assertThat(inbound()).isEmpty();
        assertThat(outbound()).startsWith("SIP/2.0 513 Message Too Large\r\n").contains("Call-ID: big\r\n")
                .contains("To: <sip:bob@example.com>;tag=");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test void bodyLargerThanTheLimitAnswers413AndCloses() {
        String huge = Sip.raw("", "MESSAGE sip:bob@example.com SIP/2.0",
                "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKhuge", "From: <sip:a@example.com>;tag=1",
                "To: <sip:bob@example.com>", "Call-ID: huge", "CSeq: 1 MESSAGE", "Content-Length: 99999999999999");
        channel(1024, 4096).writeInbound(Unpooled.wrappedBuffer(Sip.bytes(huge)));
        assertThat(outbound()).startsWith("SIP/2.0 413 Request Entity Too Large");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test void moreBufferedThanAllowedCloses() {
        channel(1024, 1024).writeInbound(Unpooled.wrappedBuffer(new byte[1500]));
        assertThat(ch.isOpen()).isFalse();
        assertThat(counters.snapshot(() -> 0).dropped(DropReason.TCP_BUFFER_LIMIT)).isEqualTo(1);
    }

    @Test void aMalformedAckIsNotAnsweredButTheStreamStillCloses() {
        String ack = Sip.raw("", "ACK sip:bob@example.com SIP/2.0",
                "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKack", "From: <sip:a@example.com>;tag=1",
                "To: <sip:bob@example.com>", "Call-ID: ack", "CSeq: 1 ACK", "Content-Length: -1");
        channel().writeInbound(Unpooled.wrappedBuffer(Sip.bytes(ack)));
        assertThat(outbound()).isEmpty();
        assertThat(ch.isOpen()).isFalse();
    }
}
