package io.sipfleet.sip.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers accepted TCP connections in the {@link ConnectionTable} (outbound ones are registered
 * before they connect), counts opens and closes, and closes a connection idle for tcpIdleTimeout
 * (the {@code IdleStateHandler} before it fires the event): a peer that vanished without a FIN
 * must not hold a descriptor and a table entry forever.
 */
@Sharable
final class ConnectionLifecycle extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLifecycle.class);

    private final ConnectionTable table;
    private final TransportCounters counters;

    ConnectionLifecycle(ConnectionTable table, TransportCounters counters) {
        this.table = table;
        this.counters = counters;
    }

    @Override public void channelActive(ChannelHandlerContext ctx) {
        if (ConnectionTable.id(ctx.channel()) == 0) {
            table.add(ctx.channel(), (InetSocketAddress) ctx.channel().remoteAddress(),
                    ctx.channel().newSucceededFuture(), false);
            counters.tcpAccepted.increment();
            log.debug("TCP {}: accepted connection {} from {}", IpLiterals.text(ctx.channel().localAddress()),
                    ConnectionTable.id(ctx.channel()), IpLiterals.text(ctx.channel().remoteAddress()));
        }
        ctx.fireChannelActive();
    }

    @Override public void channelInactive(ChannelHandlerContext ctx) {
        counters.tcpClosed.increment();
        log.debug("TCP {}: connection {} with {} closed", IpLiterals.text(ctx.channel().localAddress()),
                ConnectionTable.id(ctx.channel()), IpLiterals.text(ctx.channel().remoteAddress()));
        ctx.fireChannelInactive();
    }

    @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            counters.tcpIdleClosed.increment();
            log.debug("TCP {}: closing idle connection {} with {}", IpLiterals.text(ctx.channel().localAddress()),
                    ConnectionTable.id(ctx.channel()), IpLiterals.text(ctx.channel().remoteAddress()));
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
