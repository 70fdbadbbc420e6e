package io.sipfleet.sip.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops datagrams larger than maxMessageBytes before anything copies or parses them. The
 * listener reads into buffers of maxMessageBytes + 1, so a larger datagram arrives truncated to
 * exactly that size: cut, it could never be answered correctly anyway.
 */
@Sharable
final class DatagramSizeLimit extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DatagramSizeLimit.class);

    private final int maxMessageBytes;
    private final TransportCounters counters;
    private final RateLimitedLog warn = new RateLimitedLog(log, 10, TimeUnit.SECONDS);

    DatagramSizeLimit(int maxMessageBytes, TransportCounters counters) {
        this.maxMessageBytes = maxMessageBytes;
        this.counters = counters;
    }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket p && p.content().readableBytes() > maxMessageBytes) {
            counters.drop(DropReason.OVERSIZE_DATAGRAM);
            warn.log("UDP {}: dropped a datagram from {}: more than maxMessageBytes={} bytes",
                    IpLiterals.text(ctx.channel().localAddress()), IpLiterals.text(p.sender()), maxMessageBytes);
            p.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
