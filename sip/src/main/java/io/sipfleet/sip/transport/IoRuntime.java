package io.sipfleet.sip.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
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
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty I/O flavour: native epoll on Linux when its library loads (SO_REUSEPORT, so one UDP
 * socket per event loop thread), else NIO, which works everywhere with one UDP socket.
 */
record IoRuntime(boolean epoll, MultiThreadIoEventLoopGroup group) {

    static IoRuntime create(boolean preferNative, int threads, String name) {
        boolean epoll = preferNative && Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        // Daemon threads: a server left open by mistake must not keep the JVM alive; the node's
        // main thread waits for SIGTERM itself.
        return new IoRuntime(epoll, new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(name, true), factory));
    }

    /** Why epoll is not used, for the startup log. */
    static String whyNotEpoll(boolean preferNative) {
        if (!preferNative) return "NIO requested";
        Throwable t = Epoll.unavailabilityCause();
        return t == null ? "epoll available" : "epoll unavailable: " + t.getMessage();
    }

    int threads() { return group.executorCount(); }

    Class<? extends DatagramChannel> datagramChannel() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
