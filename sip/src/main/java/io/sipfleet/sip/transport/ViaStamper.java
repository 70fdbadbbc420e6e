package io.sipfleet.sip.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sipfleet.sip.message.MessageEditor;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.Via;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code received} and {@code rport} into the top Via of each request (RFC 3261 18.2.1,
 * RFC 3581 4; see {@link ViaStamping}), so that everything above the transport, and the
 * response's routing, sees where the request really came from. Only the top Via value is
 * rewritten; the other Via values and every other line stay byte for byte as received.
 */
@Sharable
final class ViaStamper extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ViaStamper.class);
    private final RateLimitedLog warn = new RateLimitedLog(log, 10, TimeUnit.SECONDS);

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Inbound in && in.message() instanceof SipRequest request) {
            Via top = request.topVia();
            Via stamped = ViaStamping.stamp(top, in.from().remote());
            if (stamped != top) {
                try {
                    msg = new Inbound(rewriteTopVia(request, stamped), in.from(), in.receivedNanos());
                } catch (IllegalArgumentException e) {
                    // Cannot happen for a Via the parser produced; keep the request as it came.
                    warn.warn("{} {}: could not stamp the Via of a request from {}: {}", in.from().transport(),
                            IpLiterals.text(in.from().local()), IpLiterals.text(in.from().remote()), e.getMessage());
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The message with its first Via value replaced by {@code top}; all other bytes kept. */
    static SipMessage rewriteTopVia(SipMessage m, Via top) {
        return MessageEditor.replaceTopVia(m, top);
    }
}
