package io.sipfleet.sip.transport;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Event loops shared by a node's SIP listeners and its store client (Lettuce), so a store reply
 * is handled on a SIP event loop and the SIP message it completes leaves from that loop's own
 * socket. With separate loops every store round trip crossed threads twice (SIP loop -> store
 * loop to write the command, store loop -> SIP loop to send the answer): two wake-ups, two
 * context switches, and on the cluster benchmark the store client's thread alone cost a quarter
 * of a member's CPU per REGISTER. The owner (the node) closes it after everything that uses it.
 */
public final class SipEventLoops implements AutoCloseable {
    private final IoRuntime io;

    private SipEventLoops(IoRuntime io) { this.io = io; }

    /** {@code threads} 0: one per core. The flavour (io_uring, epoll, NIO) as {@link IoRuntime} picks it. */
    public static SipEventLoops create(boolean preferNative, int threads, String name) {
        return new SipEventLoops(IoRuntime.create(preferNative, threads, Objects.requireNonNull(name, "name")));
    }

    IoRuntime runtime() { return io; }

    /** The Netty group, for a client library that takes one (Lettuce's EventLoopGroupProvider). */
    public MultiThreadIoEventLoopGroup group() { return io.group(); }

    public int threads() { return io.threads(); }

    /**
     * Whether these are epoll loops: the only flavour a Lettuce client (which picks epoll on
     * Linux) can put its channels on. Share them with it only then.
     */
    public boolean isEpoll() { return io.flavour() == IoRuntime.Flavour.EPOLL; }

    /** Shuts the loops down, waiting a few seconds at most. */
    @Override public void close() {
        io.group().shutdownGracefully(100, 3_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(4_000);
    }

    @Override public String toString() { return "SipEventLoops[" + io.describe() + "]"; }
}
