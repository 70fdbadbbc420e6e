package io.sipfleet.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * Swallows keep-alive datagrams: a datagram of nothing but CR and LF (what many UAs send over UDP
 * to keep a NAT binding open, the UDP cousin of RFC 5626 4.4.1's CRLF ping; RFC 3261 7.5 lets
 * a receiver ignore CRLFs where a message may start). No answer: over UDP a pong would just be
 * more traffic to the NAT, which the outgoing ping already refreshed.
 */
@Sharable
final class DatagramKeepAlive extends ChannelInboundHandlerAdapter {
    private final TransportCounters counters;

    DatagramKeepAlive(TransportCounters counters) { this.counters = counters; }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket p && onlyLineBreaks(p.content())) {
            counters.keepAlives.increment();
            p.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    static boolean onlyLineBreaks(ByteBuf b) {
        return b.forEachByte(c -> c == '\r' || c == '\n') < 0;
    }
}
