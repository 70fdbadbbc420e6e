package io.sipfleet.sip.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Framed TCP message bytes ({@link SipStreamFramer}) to {@link Inbound}, with the stream rules
 * (the body is exactly what the framer cut). A message that frames but does not parse is
 * answered or dropped by {@link ParseFailures}; the connection stays open, since the next
 * message's start is known.
 */
@Sharable
final class StreamParser extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(StreamParser.class);

    private final ParseFailures failures;
    private final TransportCounters counters;
    private final RateLimitedLog warn = new RateLimitedLog(log, 10, TimeUnit.SECONDS);

    StreamParser(ParseFailures failures, TransportCounters counters) {
        this.failures = failures;
        this.counters = counters;
    }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof byte[] bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = System.nanoTime();
        Peer from = peer(ctx.channel());
        SipMessage message;
        try {
            InetSocketAddress remote = from.remote();
            message = remote == null ? SipParser.parseStream(bytes, 0, bytes.length)
                    : SipParser.parseReceived(bytes, bytes.length, false, top -> ViaStamping.stamp(top, remote));
        } catch (SipParseException e) {
            failures.handle(e, from);
            return;
        } catch (RuntimeException e) {
            counters.drop(DropReason.UNPARSEABLE);
            warn.log("TCP {}: parser failed on a {}-byte message from {}", IpLiterals.text(from.local()),
                    bytes.length, IpLiterals.text(from.remote()), e);
            return;
        }
        ctx.fireChannelRead(new Inbound(message, from, now));
    }

    /** The peer at the other end of a TCP connection, with the connection's id. */
    static Peer peer(Channel ch) {
        return new Peer(Transport.TCP, inet(ch.remoteAddress()), inet(ch.localAddress()), ConnectionTable.id(ch));
    }

    /** Null for the non-IP addresses of test channels (EmbeddedChannel). */
    private static InetSocketAddress inet(java.net.SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : null;
    }
}
