package io.sipfleet.sip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every byte a transport server sends leaves through here: the allow-list check, the choice of
 * socket, and the counters. UDP leaves from a listener socket (so the source port is the
 * listener's, which a NATed UA expects: RFC 3581 4); TCP reuses the request's connection, else
 * any open connection to the peer, else connects without blocking, queueing until connected.
 * Never throws and never blocks: callers are event loops.
 */
final class OutboundSender implements Outbound {
    private static final Logger log = LoggerFactory.getLogger(OutboundSender.class);

    private final ListenerConfig config;
    private final TransportCounters counters;
    private final ConnectionTable table;
    private final RateLimitedLog refusedLog = new RateLimitedLog(log, 10, TimeUnit.SECONDS);
    private final RateLimitedLog failedLog = new RateLimitedLog(log, 10, TimeUnit.SECONDS);
    private final AtomicLong roundRobin = new AtomicLong();
    private volatile List<Channel> udpChannels = List.of();
    private volatile Bootstrap tcpClient;
    private volatile boolean closed;

    OutboundSender(ListenerConfig config, TransportCounters counters, ConnectionTable table) {
        this.config = config;
        this.counters = counters;
        this.table = table;
    }

    void started(List<Channel> udp, Bootstrap tcp) {
        this.udpChannels = List.copyOf(udp);
        this.tcpClient = tcp;
    }

    void closing() { closed = true; }

    @Override public ChannelFuture sendBytes(byte[] bytes, int length, Peer to, Object what) {
        if (closed) {
            counters.drop(DropReason.CLOSED);
            log.debug("dropped {} to {}: the transport is closed", what, to);
            return null;
        }
        if (to == null || to.remote() == null) {
            counters.drop(DropReason.UNROUTABLE_RESPONSE);
            failedLog.log("dropped {}: no destination", what);
            return null;
        }
        return switch (to.transport()) {
            case UDP -> sendUdp(bytes, length, to, what);
            case TCP -> sendTcp(bytes, length, to, what);
            default -> {
                counters.drop(DropReason.NO_TRANSPORT);
                failedLog.log("dropped {} to {}: transport {} is not served", what, to.remote(), to.transport());
                yield null;
            }
        };
    }

    private boolean refused(InetSocketAddress remote, Transport t, Object what) {
        String why = config.outboundAllowList().refusal(remote);
        if (why == null) return false;
        counters.drop(DropReason.ALLOW_LIST_REFUSED);
        refusedLog.log("{} {}: refused to send {} to {}: {}", t, IpLiterals.text(config.bindSocketAddress()), what,
                IpLiterals.text(remote), why);
        return true;
    }

    private ChannelFuture sendUdp(byte[] bytes, int length, Peer to, Object what) {
        if (refused(to.remote(), Transport.UDP, what)) return null;
        Channel ch = udpChannel();
        if (ch == null) {
            counters.drop(DropReason.NO_TRANSPORT);
            failedLog.log("dropped {} to {}: UDP is not enabled on {}", what, to.remote(), config.bindSocketAddress());
            return null;
        }
        // Straight into a pooled direct buffer: epoll copies a heap buffer into one anyway, after
        // wrapping and slicing it (three short-lived objects per datagram).
        ByteBuf buf = ch.alloc().directBuffer(length, length).writeBytes(bytes, 0, length);
        ChannelFuture f = ch.writeAndFlush(new DatagramPacket(buf, to.remote()));
        // On its own event loop the datagram is written before writeAndFlush returns: account for
        // it now rather than through a listener (a lambda and a listener slot per datagram).
        if (f.isDone()) done(f.isSuccess(), f.cause(), Transport.UDP, to.remote(), what);
        else f.addListener(w -> done(w.isSuccess(), w.cause(), Transport.UDP, to.remote(), what));
        return f;
    }

    /**
     * A listener socket; the one owned by the calling event loop when there is one, so a reply
     * is written without a hop to another thread.
     */
    private Channel udpChannel() {
        List<Channel> chans = udpChannels;
        if (chans.isEmpty()) return null;
        for (Channel c : chans) if (c.eventLoop().inEventLoop()) return c;
        return chans.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) chans.size()));
    }

    private ChannelFuture sendTcp(byte[] bytes, int length, Peer to, Object what) {
        ConnectionTable.Connection c = table.byId(to.connectionId());
        if (c == null) c = table.byRemote(to.remote());
        if (c == null) {
            if (refused(to.remote(), Transport.TCP, what)) return null;
            c = connect(to.remote());
            if (c == null) {
                counters.drop(DropReason.NO_TRANSPORT);
                failedLog.log("dropped {} to {}: TCP is not enabled on {}", what, to.remote(), config.bindSocketAddress());
                return null;
            }
        } else if (refused(c.remote(), Transport.TCP, what)) {
            return null;
        }
        return write(c, bytes, length, what);
    }

    private ChannelFuture write(ConnectionTable.Connection c, byte[] bytes, int length, Object what) {
        Channel ch = c.channel();
        ByteBuf buf = Unpooled.wrappedBuffer(bytes, 0, length);
        ChannelFuture f;
        if (c.connected().isDone()) {
            if (!ch.isWritable()) {
                // The peer does not read: its outbound buffer is past the high-water mark.
                counters.drop(DropReason.BACKPRESSURE);
                failedLog.log("TCP: dropped {} to {}: connection {} holds {} unsent bytes (limit {})", what,
                        c.remote(), c.id(), ch.unsafe().outboundBuffer() == null ? "?"
                                : ch.unsafe().outboundBuffer().totalPendingWriteBytes(),
                        config.maxBufferedBytesPerConnection());
                return null;
            }
            f = ch.writeAndFlush(buf);
        } else {
            if (c.queuedBytes().addAndGet(length) > config.maxBufferedBytesPerConnection()) {
                c.queuedBytes().addAndGet(-length);
                counters.drop(DropReason.BACKPRESSURE);
                failedLog.log("TCP: dropped {} to {}: {} bytes already wait for the connection", what, c.remote(),
                        c.queuedBytes().get());
                return null;
            }
            ChannelPromise p = ch.newPromise();
            // Connect listeners run on the event loop, in order, before any later write: order kept.
            c.connected().addListener(cf -> {
                c.queuedBytes().addAndGet(-length);
                if (cf.isSuccess()) ch.writeAndFlush(buf, p);
                else p.tryFailure(cf.cause());
            });
            f = p;
        }
        f.addListener(w -> done(w.isSuccess(), w.cause(), Transport.TCP, c.remote(), what));
        return f;
    }

    private void done(boolean ok, Throwable cause, Transport t, InetSocketAddress to, Object what) {
        if (ok) {
            counters.sent(t);
            if (log.isTraceEnabled()) log.trace("{}: sent {} to {}", t, what, to);
            return;
        }
        counters.drop(DropReason.SEND_FAILED);
        failedLog.log("{} {}: sending {} to {} failed: {}", t, IpLiterals.text(config.bindSocketAddress()), what,
                IpLiterals.text(to),
                cause == null ? "cancelled" : cause.toString());
    }

    /** A new outbound connection, registered before it connects so concurrent sends share it. */
    private ConnectionTable.Connection connect(InetSocketAddress remote) {
        Bootstrap b = tcpClient;
        if (b == null) return null;
        ChannelFuture registered = b.register();
        Channel ch = registered.channel();
        ChannelPromise connected = ch.newPromise();
        ConnectionTable.Connection c = table.add(ch, remote, connected, true);
        if (c.channel() != ch) { // another thread connected first
            ch.close();
            return c;
        }
        InetSocketAddress local = localFor(remote.getAddress());
        registered.addListener(r -> {
            if (r.isSuccess()) ch.connect(remote, local, connected);
            else connected.tryFailure(r.cause());
        });
        connected.addListener(cf -> {
            if (cf.isSuccess()) {
                counters.tcpConnected.increment();
                log.debug("TCP {}: connection {} to {} established", ch.localAddress(), c.id(), remote);
            } else {
                counters.drop(DropReason.CONNECT_FAILED);
                failedLog.log("TCP {}: cannot connect to {}: {}", IpLiterals.text(config.bindSocketAddress()),
                        IpLiterals.text(remote),
                        cf.cause() == null ? "cancelled" : cf.cause().toString());
                ch.close();
            }
        });
        return c;
    }

    /** Connect from the listener's address (not whatever the routing table picks) when families match. */
    private InetSocketAddress localFor(InetAddress remote) {
        InetAddress bind = config.bindAddress();
        if (bind.isAnyLocalAddress() || (bind instanceof Inet4Address) != (remote instanceof Inet4Address)) return null;
        return new InetSocketAddress(bind, 0);
    }
}
