package io.sipfleet.sip.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every listener pipeline: hands each {@link Inbound} to the {@link SipHandler} on
 * this event loop, and is where exceptions stop. Nothing the handler or the pipeline throws may
 * reach Netty's tail (which would only log it) or kill a listener: it is counted and logged here.
 */
@Sharable
final class InboundDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(InboundDispatcher.class);

    private final SipHandler handler;
    private final SipSender sender;
    private final TransportCounters counters;
    private final RateLimitedLog warn = new RateLimitedLog(log, 10, TimeUnit.SECONDS);

    InboundDispatcher(SipHandler handler, SipSender sender, TransportCounters counters) {
        this.handler = handler;
        this.sender = sender;
        this.counters = counters;
    }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Inbound in)) {
            counters.drop(DropReason.PIPELINE_ERROR);
            warn.log("{}: unexpected {} at the end of the pipeline", ctx.channel(), msg.getClass().getName());
            ReferenceCountUtil.release(msg);
            return;
        }
        counters.received(in.from().transport());
        try {
            handler.onMessage(in, sender);
        } catch (RuntimeException e) {
            counters.drop(DropReason.HANDLER_ERROR);
            warn.log("{} {}: the SIP handler failed on a message from {} (Call-ID {})", in.from().transport(),
                    IpLiterals.text(in.from().local()), IpLiterals.text(in.from().remote()), in.message().callId(), e);
        }
    }

    @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        boolean stream = !(ctx.channel() instanceof io.netty.channel.socket.DatagramChannel);
        if (stream && cause instanceof IOException) {
            // Resets and broken pipes are how TCP peers leave: not worth more than DEBUG.
            log.debug("TCP {}: connection with {} failed: {}", IpLiterals.text(ctx.channel().localAddress()),
                    IpLiterals.text(ctx.channel().remoteAddress()), cause.toString());
        } else {
            counters.drop(DropReason.PIPELINE_ERROR);
            warn.log("{} {}: pipeline error (peer {})", stream ? "TCP" : "UDP",
                    IpLiterals.text(ctx.channel().localAddress()), IpLiterals.text(ctx.channel().remoteAddress()), cause);
        }
        // A stream whose decoder threw is out of step: close it. A UDP listener stays up.
        if (stream) ctx.close();
    }
}
