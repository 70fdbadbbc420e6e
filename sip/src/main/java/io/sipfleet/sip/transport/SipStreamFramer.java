package io.sipfleet.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sipfleet.sip.message.RawMessage;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a TCP byte stream into SIP messages (RFC 3261 18.3): skips CRLFs between messages
 * (answering an RFC 5626 4.4.1 double-CRLF ping with a single-CRLF pong), finds the empty line
 * that ends the header section, reads Content-Length from the header bytes and waits for that
 * many body bytes. Emits each message as a byte[] of exactly its bytes, for {@link StreamParser}.
 *
 * <p>A stream that cannot be framed is closed, after a response when the header section names a
 * request to answer: a negative, malformed or conflicting Content-Length (RFC 4475 "ncl",
 * "mcl01": the next message's start is unknown), a header section longer than maxMessageBytes
 * (513), a body that would exceed it (413), or more than maxBufferedBytesPerConnection buffered.
 */
final class SipStreamFramer extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(SipStreamFramer.class);
    private static final RateLimitedLog warn = new RateLimitedLog(log, 10, TimeUnit.SECONDS);
    private static final byte[] PONG = {'\r', '\n'};

    private final int maxMessageBytes;
    private final int maxBufferedBytes;
    private final ParseFailures failures;
    private final TransportCounters counters;
    /** Bytes after readerIndex already searched for the end of the header section. */
    private int scanned;
    /** Length of the message being received once its header section is complete, else -1. */
    private int messageLength = -1;
    private boolean failed;

    SipStreamFramer(int maxMessageBytes, int maxBufferedBytes, ParseFailures failures, TransportCounters counters) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxBufferedBytes = maxBufferedBytes;
        this.failures = failures;
        this.counters = counters;
    }

    @Override protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int r = in.readerIndex(), n = in.readableBytes();
        if (n > maxBufferedBytes) {
            fail(ctx, in, DropReason.TCP_BUFFER_LIMIT, n + " bytes buffered, more than maxBufferedBytesPerConnection="
                    + maxBufferedBytes, null, 0, null);
            return;
        }
        if (messageLength < 0 && !frameHeader(ctx, in)) return;
        if (n < messageLength) return; // wait for the rest of the body
        byte[] message = new byte[messageLength];
        in.readBytes(message);
        messageLength = -1;
        scanned = 0;
        out.add(message);
    }

    /**
     * Finds the end of the header section and the message length; false when more bytes are
     * needed, line breaks were skipped, or the stream failed.
     */
    private boolean frameHeader(ChannelHandlerContext ctx, ByteBuf in) {
        int r = in.readerIndex(), n = in.readableBytes();
        if (scanned == 0 && isLineBreak(in.getByte(r))) {
            skipLineBreaks(ctx, in);
            return false;
        }
        int limit = Math.min(n, maxMessageBytes);
        int end = headerEnd(in, r + Math.max(scanned - 2, 0), r + limit);
        if (end < 0) {
            if (n >= maxMessageBytes) {
                fail(ctx, in, DropReason.TCP_FRAMING, "header section longer than maxMessageBytes=" + maxMessageBytes,
                        headerPrefix(in, r, r + limit), 513, "Message Too Large");
            } else {
                scanned = limit;
            }
            return false;
        }
        long cl = ContentLengthScan.scan(in, r, end);
        if (cl == ContentLengthScan.INVALID || cl == ContentLengthScan.CONFLICT) {
            String why = cl == ContentLengthScan.INVALID ? "malformed or negative Content-Length"
                    : "conflicting Content-Length headers";
            fail(ctx, in, DropReason.TCP_FRAMING, why, copy(in, r, end), 400, null);
            return false;
        }
        long total = (end - r) + Math.max(cl, 0); // RFC 3261 18.3: no Content-Length over TCP is no body
        if (total > maxMessageBytes) {
            fail(ctx, in, DropReason.TCP_FRAMING, "Content-Length " + cl + " makes the message longer than"
                    + " maxMessageBytes=" + maxMessageBytes, copy(in, r, end), 413, "Request Entity Too Large");
            return false;
        }
        messageLength = (int) total;
        return true;
    }

    /** CRLFs before a start line (RFC 3261 7.5); CRLFCRLF is a keep-alive ping (RFC 5626 4.4.1). */
    private void skipLineBreaks(ChannelHandlerContext ctx, ByteBuf in) {
        int r = in.readerIndex(), n = in.readableBytes(), run = 0;
        while (run < n && isLineBreak(in.getByte(r + run))) run++;
        if (run >= 4 && in.getByte(r) == '\r' && in.getByte(r + 1) == '\n' && in.getByte(r + 2) == '\r'
                && in.getByte(r + 3) == '\n') {
            in.skipBytes(4);
            counters.keepAlives.increment();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            counters.pongs.increment();
            return;
        }
        if (run == n && run < 4 && isPingPrefix(in, r, run)) return; // the rest of a ping may follow
        in.skipBytes(run);
    }

    private static boolean isPingPrefix(ByteBuf in, int r, int len) {
        for (int i = 0; i < len; i++) if (in.getByte(r + i) != (i % 2 == 0 ? '\r' : '\n')) return false;
        return true;
    }

    /** Index just after the empty line ending the header section within [from, to), or -1. */
    private static int headerEnd(ByteBuf in, int from, int to) {
        int p = from;
        while (p < to) {
            int lf = in.indexOf(p, to, (byte) '\n');
            if (lf < 0) return -1;
            if (lf + 1 < to && in.getByte(lf + 1) == '\n') return lf + 2;
            if (lf + 2 < to && in.getByte(lf + 1) == '\r' && in.getByte(lf + 2) == '\n') return lf + 3;
            p = lf + 1;
        }
        return -1;
    }

    /** The complete lines of an unterminated header section, so the 513 can copy Via, From ... */
    private static byte[] headerPrefix(ByteBuf in, int from, int to) {
        int lastLf = -1;
        for (int i = to - 1; i >= from; i--) if (in.getByte(i) == '\n') { lastLf = i; break; }
        return lastLf < 0 ? null : copy(in, from, lastLf + 1);
    }

    private static byte[] copy(ByteBuf in, int from, int to) {
        byte[] b = new byte[to - from];
        in.getBytes(from, b);
        return b;
    }

    /**
     * Stops reading this connection: answers {@code status} if {@code header} frames a request
     * (with {@code phrase}, else the parser's own reason), then closes once the answer is written.
     */
    private void fail(ChannelHandlerContext ctx, ByteBuf in, DropReason reason, String why, byte[] header, int status,
                      String phrase) {
        failed = true;
        in.skipBytes(in.readableBytes());
        counters.drop(reason);
        Peer from = StreamParser.peer(ctx.channel());
        warn.log("TCP {}: closing the connection from {}: {}", IpLiterals.text(from.local()),
                IpLiterals.text(from.remote()), why);
        RawMessage framed = null;
        if (header != null) {
            try {
                framed = SipParser.parseStream(header, 0, header.length);
            } catch (SipParseException e) {
                framed = e.framed();
                if (phrase == null) phrase = e.reason();
            } catch (RuntimeException e) {
                framed = null;
            }
        }
        ChannelFuture answered = framed == null ? null
                : failures.answer(framed, status, phrase != null ? phrase : "Bad Request (" + why + ")", from);
        if (answered != null) answered.addListener(ChannelFutureListener.CLOSE);
        else ctx.close();
    }

    private static boolean isLineBreak(byte b) { return b == '\r' || b == '\n'; }
}
