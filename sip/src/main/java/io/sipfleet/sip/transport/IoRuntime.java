package io.sipfleet.sip.transport;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The Netty I/O flavour. On Linux a native one (SO_REUSEPORT, so one UDP socket per event loop
 * thread): io_uring or epoll; else NIO, which works everywhere with one UDP socket.
 *
 * <p>The choice: the system property {@code sipfleet.io} ({@code io_uring}, {@code epoll},
 * {@code nio}) when set, else {@link #DEFAULT}; a native flavour whose library does not load
 * falls back to the next one, and {@link #why} says so for the startup log.
 */
record IoRuntime(Flavour flavour, MultiThreadIoEventLoopGroup group, String why) {

    enum Flavour { IO_URING, EPOLL, NIO }

    static final Flavour DEFAULT = Flavour.EPOLL;

    static IoRuntime create(boolean preferNative, int threads, String name) {
        Flavour wanted = wanted(preferNative);
        Flavour f = wanted;
        StringBuilder why = new StringBuilder();
        if (f == Flavour.IO_URING && !IoUring.isAvailable()) {
            why.append("io_uring unavailable: ").append(cause(IoUring.unavailabilityCause())).append("; ");
            f = Flavour.EPOLL;
        }
        if (f == Flavour.EPOLL && !Epoll.isAvailable()) {
            why.append("epoll unavailable: ").append(cause(Epoll.unavailabilityCause())).append("; ");
            f = Flavour.NIO;
        }
        if (!preferNative) why.append("NIO requested; ");
        IoHandlerFactory factory = switch (f) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        // Daemon threads: a server left open by mistake must not keep the JVM alive; the node's
        // main thread waits for SIGTERM itself.
        return new IoRuntime(f, new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(name, true), factory),
                why.toString());
    }

    private static Flavour wanted(boolean preferNative) {
        if (!preferNative) return Flavour.NIO;
        String p = System.getProperty("sipfleet.io");
        if (p == null || p.isBlank()) return DEFAULT;
        return switch (p.strip().toLowerCase(Locale.ROOT)) {
            case "io_uring", "iouring", "io-uring" -> Flavour.IO_URING;
            case "epoll" -> Flavour.EPOLL;
            case "nio" -> Flavour.NIO;
            default -> throw new IllegalArgumentException("sipfleet.io: '" + p + "' is not one of io_uring, epoll, nio");
        };
    }

    private static String cause(Throwable t) { return t == null ? "unknown" : t.getMessage(); }

    /** Whether a native transport is in use (SO_REUSEPORT available). */
    boolean nativeIo() { return flavour != Flavour.NIO; }

    /** For the startup log: "epoll, 2 threads", "NIO (epoll unavailable: ...), 1 threads". */
    String describe() {
        String base = flavour.name().toLowerCase(Locale.ROOT);
        return (why.isEmpty() ? base : base + " (" + why.substring(0, why.length() - 2) + ")") + ", " + threads()
                + " threads";
    }

    int threads() { return group.executorCount(); }

    ChannelOption<Boolean> reusePort() {
        return flavour == Flavour.IO_URING ? IoUringChannelOption.SO_REUSEPORT : EpollChannelOption.SO_REUSEPORT;
    }

    /**
     * Datagrams one read of a UDP socket may take: on epoll, more than one reads with
     * {@code recvmmsg}, which takes every queued datagram up to this many in one system call and
     * returns at once with what is there (one, usually, when the node keeps up). When it falls
     * behind (a collector pause, a burst) it drains the queue in fewer system calls and fewer
     * {@code epoll_wait}s, instead of one {@code epoll_wait} and one {@code recvmsg} per datagram.
     * The property {@code sipfleet.udp.readBatch} sets it (1 turns batching off). A read takes a
     * pooled buffer of this many slots of maxMessageBytes + 1 (512 KiB at the defaults); at most
     * 16, so it stays within the allocator's pooled sizes (1 MiB).
     */
    int datagramsPerRead() {
        if (flavour != Flavour.EPOLL) return 1;
        return Math.max(1, Math.min(16, Integer.getInteger("sipfleet.udp.readBatch", DEFAULT_READ_BATCH)));
    }

    static final int DEFAULT_READ_BATCH = 8;

    Class<? extends DatagramChannel> datagramChannel() {
        return switch (flavour) {
            case IO_URING -> IoUringDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    Class<? extends ServerChannel> serverChannel() {
        return switch (flavour) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    Class<? extends SocketChannel> socketChannel() {
        return switch (flavour) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
