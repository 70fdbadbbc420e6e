package io.sipfleet.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.internal.PlatformDependent;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagram to {@link Inbound}: copies the payload once into the byte[] the message will own (the
 * pooled buffer goes straight back), parses it with the datagram rules (RFC 3261 18.3: the body
 * is Content-Length bytes, extra octets ignored), stamping a request's top Via with received and
 * rport on the way ({@link ViaStamping}), and hands a failure to {@link ParseFailures}.
 *
 * <p>The copy has {@link #STAMP_ROOM} spare bytes, so the stamp is written into it: no second
 * copy of every request (it was a fifth of what the switch allocated per call).
 *
 * <p>One per UDP channel (it remembers the channel's recent peers): every transaction keeps the
 * {@link Peer} its request came from, for 64*T1 and more, so the few addresses a switch hears
 * from most (a dispatcher, an SBC, a trunk) share one Peer each instead of one per message.
 */
final class DatagramParser extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DatagramParser.class);

    /** Room for ";rport=65535;received=" and an IPv6 address, with some to spare. */
    static final int STAMP_ROOM = 80;

    /** Recent peers, direct-mapped by the sender's hash; touched only by the channel's event loop. */
    private final Peer[] recent = new Peer[64];

    private final ParseFailures failures;
    private final TransportCounters counters;
    private final RateLimitedLog warn = new RateLimitedLog(log, 10, TimeUnit.SECONDS);

    DatagramParser(ParseFailures failures, TransportCounters counters) {
        this.failures = failures;
        this.counters = counters;
    }

    private Peer peer(InetSocketAddress sender, ChannelHandlerContext ctx) {
        int slot = sender.hashCode() & (recent.length - 1);
        Peer p = recent[slot];
        if (p == null || !p.remote().equals(sender)) {
            recent[slot] = p = Peer.udp(sender, (InetSocketAddress) ctx.channel().localAddress());
        }
        return p;
    }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket p)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = System.nanoTime();
        byte[] bytes;
        int len;
        try {
            ByteBuf content = p.content();
            len = content.readableBytes();
            bytes = PlatformDependent.allocateUninitializedArray(len + STAMP_ROOM);
            content.getBytes(content.readerIndex(), bytes, 0, len);
        } finally {
            p.release();
        }
        InetSocketAddress sender = p.sender();
        Peer from = peer(sender, ctx);
        SipMessage message;
        try {
            message = SipParser.parseReceived(bytes, len, true, top -> ViaStamping.stamp(top, sender));
        } catch (SipParseException e) {
            failures.handle(e, from);
            return;
        } catch (RuntimeException e) {
            // The parser promises SipParseException only: this is a parser bug, keep serving.
            counters.drop(DropReason.UNPARSEABLE);
            warn.log("UDP {}: parser failed on a {}-byte datagram from {}", IpLiterals.text(from.local()),
                    len, IpLiterals.text(from.remote()), e);
            return;
        }
        ctx.fireChannelRead(new Inbound(message, from, now));
    }
}
