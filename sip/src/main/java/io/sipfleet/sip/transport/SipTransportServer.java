package io.sipfleet.sip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIP listener on one address and port, UDP and/or TCP: parses what arrives and hands each
 * message to a {@link SipHandler} on the event loop that read it; sends what the handler (or
 * anyone) gives to {@link #send}. Start it with {@link #start(SipHandler)}; {@link #close()}
 * stops it within a few seconds.
 *
 * <pre>{@code
 * var server = new SipTransportServer(ListenerConfig.of(InetAddress.getByName("127.0.0.2"), 5060));
 * server.start(new EchoHandler());        // or a TransactionLayer built with `server` as its sender
 * ...
 * server.close();
 * }</pre>
 *
 * <p>UDP pipeline: size limit, keep-alive, parse (Via stamping included), dispatch. TCP
 * pipeline: idle timeout, connection tracking, framing, parse (Via stamping included), dispatch.
 * With epoll, UDP binds one SO_REUSEPORT socket per event loop thread: the kernel spreads
 * datagrams over them by flow hash, so UDP scales with cores instead of funnelling through one
 * socket and one thread.
 */
public final class SipTransportServer implements SipSender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SipTransportServer.class);
    private static final int UDP_RCVBUF = 4 * 1024 * 1024; // the kernel caps it at net.core.rmem_max
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final long SHUTDOWN_QUIET_MILLIS = 100, SHUTDOWN_TIMEOUT_MILLIS = 3_000;

    private final ListenerConfig config;
    private final TransportCounters counters = new TransportCounters();
    private final ConnectionTable table = new ConnectionTable();
    private final OutboundSender outbound;
    private final ParseFailures failures;
    private final AtomicBoolean started = new AtomicBoolean(), closed = new AtomicBoolean();
    private final List<Channel> udpChannels = new ArrayList<>();
    private volatile IoRuntime io;
    /** Loops owned by someone else (the node): used, never shut down here. */
    private final SipEventLoops shared;
    private volatile Channel tcpServer;
    private volatile InetSocketAddress udpAddress, tcpAddress;

    /** A server not yet listening: it can be given as the SipSender of the handler before {@link #start}. */
    public SipTransportServer(ListenerConfig config) { this(config, null); }

    /**
     * A server that runs on {@code shared} event loops (when not null) instead of its own: see
     * {@link SipEventLoops}. Its {@code ioThreads} setting is then the shared group's.
     */
    public SipTransportServer(ListenerConfig config, SipEventLoops shared) {
        this.shared = shared;
        this.config = Objects.requireNonNull(config, "config");
        this.outbound = new OutboundSender(config, counters, table);
        this.failures = new ParseFailures(outbound, counters);
    }

    /** Binds and starts a server in one call. */
    public static SipTransportServer start(ListenerConfig config, SipHandler handler) {
        SipTransportServer s = new SipTransportServer(config);
        s.start(handler);
        return s;
    }

    /**
     * Binds the listeners (blocking the caller until bound: call it at startup, never on an event
     * loop) and starts delivering messages to {@code handler}.
     *
     * @throws IllegalStateException when a port cannot be bound, naming the address and why
     */
    public SipTransportServer start(SipHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("already started");
        String name = "sip-" + config.bindAddress().getHostAddress() + ":" + config.port();
        io = shared != null ? shared.runtime() : IoRuntime.create(config.preferNative(), config.ioThreads(), name);
        InboundDispatcher dispatcher = new InboundDispatcher(handler, this, counters);
        try {
            bind(dispatcher);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        outbound.started(udpChannels, config.has(Transport.TCP) ? tcpClient(dispatcher) : null);
        int readBatch = io.datagramsPerRead();
        log.info("SIP listener {} up: {}{}; {}; maxMessageBytes={}, outbound allow-list {}",
                config.bindAddress().getHostAddress(),
                udpAddress == null ? "" : "UDP " + udpAddress.getPort() + " (" + udpChannels.size() + " socket"
                        + (udpChannels.size() > 1 ? "s, SO_REUSEPORT" : "")
                        + (readBatch > 1 ? ", up to " + readBatch + " datagrams per read" : "") + ")",
                tcpAddress == null ? "" : (udpAddress == null ? "" : ", ") + "TCP " + tcpAddress.getPort(),
                io.describe(),
                config.maxMessageBytes(), config.outboundAllowList());
        return this;
    }

    private void bind(InboundDispatcher dispatcher) {
        int port = config.port();
        for (int attempt = 0; ; attempt++) {
            try {
                if (config.has(Transport.UDP)) port = bindUdp(port, dispatcher);
                if (config.has(Transport.TCP)) bindTcp(port, dispatcher);
                return;
            } catch (IllegalStateException e) {
                // Port 0: UDP got a free port that TCP cannot have; try another pair.
                if (config.port() != 0 || attempt == 4 || !config.has(Transport.UDP)) throw e;
                closeListeners();
                port = 0;
            }
        }
    }

    private int bindUdp(int port, InboundDispatcher dispatcher) {
        int sockets = io.nativeIo() ? io.threads() : 1;
        if (sockets > 1 && port != 0) UdpPortProbe.check(config.bindAddress(), port);
        DatagramSizeLimit sizeLimit = new DatagramSizeLimit(config.maxMessageBytes(), counters);
        DatagramKeepAlive keepAlive = new DatagramKeepAlive(counters);
        // One byte more than the limit per datagram: a larger one shows up as exactly limit + 1.
        int slot = config.maxMessageBytes() + 1, batch = io.datagramsPerRead();
        Bootstrap b = new Bootstrap().group(io.group()).channel(io.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, UDP_RCVBUF)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot * batch))
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast("size-limit", sizeLimit).addLast("keep-alive", keepAlive)
                                .addLast("parse", new DatagramParser(failures, counters))
                                .addLast("dispatch", dispatcher);
                    }
                });
        if (sockets > 1) b.option(io.reusePort(), true);
        if (batch > 1) b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
        for (int i = 0; i < sockets; i++) {
            Channel ch = bindOrThrow(b.bind(config.bindAddress(), port), "UDP", port);
            udpChannels.add(ch);
            if (port == 0) port = ((InetSocketAddress) ch.localAddress()).getPort();
        }
        udpAddress = (InetSocketAddress) udpChannels.get(0).localAddress();
        return port;
    }

    private void bindTcp(int port, InboundDispatcher dispatcher) {
        ServerBootstrap b = new ServerBootstrap().group(io.group(), io.group()).channel(io.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .childHandler(tcpInitializer(dispatcher));
        tcpServer = bindOrThrow(b.bind(config.bindAddress(), port), "TCP", port);
        tcpAddress = (InetSocketAddress) tcpServer.localAddress();
    }

    private Bootstrap tcpClient(InboundDispatcher dispatcher) {
        return new Bootstrap().group(io.group()).channel(io.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .handler(tcpInitializer(dispatcher));
    }

    private WriteBufferWaterMark waterMark() {
        int high = config.maxBufferedBytesPerConnection();
        return new WriteBufferWaterMark(high / 2, high);
    }

    private ChannelInitializer<Channel> tcpInitializer(InboundDispatcher dispatcher) {
        ConnectionLifecycle lifecycle = new ConnectionLifecycle(table, counters);
        StreamParser parser = new StreamParser(failures, counters);
        long idleMillis = config.tcpIdleTimeout().toMillis();
        return new ChannelInitializer<>() {
            @Override protected void initChannel(Channel ch) {
                ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                        .addLast("lifecycle", lifecycle)
                        .addLast("framer", new SipStreamFramer(config.maxMessageBytes(),
                                config.maxBufferedBytesPerConnection(), failures, counters))
                        .addLast("parse", parser).addLast("dispatch", dispatcher);
            }
        };
    }

    private Channel bindOrThrow(ChannelFuture f, String transport, int port) {
        f.awaitUninterruptibly();
        if (f.isSuccess()) return f.channel();
        Throwable cause = f.cause();
        throw new IllegalStateException("cannot bind SIP " + transport + " listener to "
                + config.bindAddress().getHostAddress() + ":" + port + ": " + cause.getMessage(), cause);
    }

    /**
     * Sends {@code message}; see {@link SipSender}. A request goes to {@code to}. A response goes
     * where its top Via says (RFC 3261 18.2.2, RFC 3581, {@link ResponseRouting}), {@code to}
     * being the hop its request came on: over TCP the same connection, over UDP maddr, received
     * and rport, or an IP sent-by, from {@code to.local()}. Passing the result of
     * {@link ResponseRouting#destination} gives the same destination. A response whose Via needs
     * DNS is dropped and counted. Refusals and failures are counted, never thrown.
     */
    @Override public void send(SipMessage message, Peer to) {
        if (message instanceof SipResponse response && to != null) {
            Peer routed = ResponseRouting.destination(response, to);
            if (routed == null) {
                counters.drop(DropReason.UNROUTABLE_RESPONSE);
                log.debug("dropped {} for {}: top Via {} cannot be resolved without DNS", new Describe(response),
                        to.remote(), response.topVia());
                return;
            }
            to = routed;
        }
        outbound.sendBytes(message.array(), message.length(), to, new Describe(message));
    }

    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    /**
     * Sends a CRLFCRLF keep-alive (RFC 5626 4.4.1; the carriers' "UAC ping" over UDP) to
     * {@code to.remote()} from {@code to.local()}, through the same allow-list and counters as
     * SIP messages. Never blocks, never throws.
     */
    public void sendKeepAlive(Peer to) {
        outbound.sendBytes(CRLF_CRLF, CRLF_CRLF.length, to, "CRLF keep-alive");
    }

    /** Lazily rendered description of a message for logs: "200 OK (Call-ID x)". */
    private record Describe(SipMessage m) {
        @Override public String toString() {
            String first = m instanceof SipResponse r ? r.statusCode() + " " + r.reason()
                    : ((io.sipfleet.sip.message.SipRequest) m).method();
            return first + " (Call-ID " + m.callId() + ")";
        }
    }

    public TransportStats stats() { return counters.snapshot(table::size); }

    public ListenerConfig config() { return config; }

    /** The bound address of {@code transport} (the real port when configured with 0), or null. */
    public InetSocketAddress localAddress(Transport transport) {
        return transport == Transport.UDP ? udpAddress : transport == Transport.TCP ? tcpAddress : null;
    }

    /** UDP sockets bound on the port: one per event loop with epoll, else one. */
    public int udpSocketCount() { return udpChannels.size(); }

    /** Whether a native transport (epoll or io_uring, see IoRuntime) is in use, else NIO. */
    public boolean isEpoll() { IoRuntime r = io; return r != null && r.nativeIo(); }

    public boolean isClosed() { return closed.get(); }

    /**
     * Stops listening, closes every connection and shuts the event loops down gracefully, waiting
     * at most a few seconds. Idempotent; safe from any thread (from an event loop it does not wait).
     */
    @Override public void close() {
        if (!closed.compareAndSet(false, true)) return;
        outbound.closing();
        closeListeners();
        for (ConnectionTable.Connection c : table.all()) c.channel().close();
        IoRuntime r = io;
        if (r == null || shared != null) return; // shared loops: their owner stops them
        var done = r.group().shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        boolean onLoop = false;
        for (var e : r.group()) onLoop |= e.inEventLoop();
        if (!onLoop && !done.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS + 1_000)) {
            log.warn("SIP listener {}: event loops still running after {} ms", config.bindSocketAddress(),
                    SHUTDOWN_TIMEOUT_MILLIS + 1_000);
        }
        log.info("SIP listener {} closed", IpLiterals.text(udpAddress != null ? udpAddress
                : tcpAddress != null ? tcpAddress : config.bindSocketAddress()));
    }

    private void closeListeners() {
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel c : udpChannels) closing.add(c.close());
        udpChannels.clear();
        Channel t = tcpServer;
        if (t != null) closing.add(t.close());
        tcpServer = null;
        for (ChannelFuture f : closing) if (!f.channel().eventLoop().inEventLoop()) f.awaitUninterruptibly(1_000);
    }
}
