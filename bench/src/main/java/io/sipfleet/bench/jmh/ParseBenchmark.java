package io.sipfleet.bench.jmh;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse + serialize of the typical INVITE and 200 OK (testdata/typical), ours side by side with
 * JAIN-SIP RI 1.3.0-91 in the same run. Every sipfleet benchmark reads the headers a proxy's hot
 * path reads (Via, From/To tags, Call-ID, CSeq, Max-Forwards, Contact, Content-Length), so lazy
 * parsing cannot hide work. "proxy" variants also make the edits a stateful proxy makes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders"})
public class ParseBenchmark {
    byte[] invite;
    byte[] ok200;
    private StringMsgParser jainParser;
    /** The transport's outbound buffer: serializing means writing the wire bytes into it. */
    private ByteBuf out;

    @Setup
    public void load() throws IOException {
        invite = resource("/typical/invite.dat");
        ok200 = resource("/typical/ok200.dat");
        jainParser = new StringMsgParser();
        out = Unpooled.buffer(4096);
    }

    static byte[] resource(String path) throws IOException {
        try (InputStream in = ParseBenchmark.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    private static void readHotHeaders(SipMessage m, Blackhole bh) {
        Via top = m.topVia();
        bh.consume(top.branch());
        bh.consume(top.hasRport());
        NameAddr from = m.from();
        bh.consume(from.tag());
        bh.consume(m.to().tag());
        bh.consume(m.callId());
        bh.consume(m.cseq().seq());
        bh.consume(m.maxForwards());
        bh.consume(m.contacts());
        bh.consume(m.routes());
        bh.consume(m.contentLength());
    }

    @Benchmark
    public ByteBuf sipfleetInviteParseSerialize(Blackhole bh) throws Exception {
        SipMessage m = SipParser.parse(invite);
        readHotHeaders(m, bh);
        out.clear();
        m.writeTo(out);
        return out;
    }

    @Benchmark
    public ByteBuf sipfleet200ParseSerialize(Blackhole bh) throws Exception {
        SipMessage m = SipParser.parse(ok200);
        readHotHeaders(m, bh);
        out.clear();
        m.writeTo(out);
        return out;
    }

    /** What a stateful proxy does to a request: push its Via, decrement Max-Forwards, Record-Route. */
    @Benchmark
    public ByteBuf sipfleetInviteProxyEdit(Blackhole bh) throws Exception {
        SipMessage m = SipParser.parse(invite);
        readHotHeaders(m, bh);
        SipMessage fwd = m.edit()
                .addFirst(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK-bench-1")
                .set(HeaderName.MAX_FORWARDS, Integer.toString(m.maxForwards() - 1))
                .addFirst(HeaderName.RECORD_ROUTE, "<sip:127.0.0.2:5060;lr>")
                .build();
        out.clear();
        fwd.writeTo(out);
        return out;
    }

    /** What a proxy does to a response: pop its own Via. */
    @Benchmark
    public ByteBuf sipfleet200ProxyEdit(Blackhole bh) throws Exception {
        SipMessage m = SipParser.parse(ok200);
        readHotHeaders(m, bh);
        out.clear();
        m.edit().removeFirstValue(HeaderName.VIA).build().writeTo(out);
        return out;
    }

    @Benchmark
    public byte[] jainSipInviteParseSerialize() throws Exception {
        SIPMessage m = jainParser.parseSIPMessage(invite, true, false, null);
        return m.encodeAsBytes("UDP");
    }

    @Benchmark
    public byte[] jainSip200ParseSerialize() throws Exception {
        SIPMessage m = jainParser.parseSIPMessage(ok200, true, false, null);
        return m.encodeAsBytes("UDP");
    }
}
