package io.sipfleet.sip.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One SIP listener: the address and port it binds for each of its transports, and the limits that
 * keep one peer from exhausting the node.
 *
 * @param bindAddress  the local address (a specific address, so replies leave from it: NAT-friendly)
 * @param port         the port for UDP and TCP alike; 0 picks a free one (tests)
 * @param transports   UDP and/or TCP (TLS and WS are not served yet)
 * @param maxMessageBytes  the largest message accepted (a datagram, or header section plus body
 *                     over TCP); 65,535 is the largest UDP payload (RFC 3261 18.1.1)
 * @param maxBufferedBytesPerConnection  bytes held for one TCP connection, inbound (an unfinished
 *                     message) or outbound (writes the peer does not read); past it the connection
 *                     is closed or the send dropped
 * @param tcpIdleTimeout  a TCP connection with no traffic either way for this long is closed
 * @param outboundAllowList  destinations this node may send to; see {@link AllowList}
 * @param ioThreads    event loop threads; 0 = one per available processor. With epoll each thread
 *                     owns its own UDP socket on the port (SO_REUSEPORT), so UDP scales with cores
 * @param preferNative use epoll when available (Linux); false forces NIO (tests, diagnosis)
 */
public record ListenerConfig(InetAddress bindAddress, int port, Set<Transport> transports, int maxMessageBytes,
                             int maxBufferedBytesPerConnection, Duration tcpIdleTimeout, AllowList outboundAllowList,
                             int ioThreads, boolean preferNative) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_535;
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 128 * 1024;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public ListenerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
        Objects.requireNonNull(outboundAllowList, "outboundAllowList");
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (transports == null || transports.isEmpty()) throw new IllegalArgumentException("no transport to listen on");
        for (Transport t : transports) {
            if (t != Transport.UDP && t != Transport.TCP) {
                throw new IllegalArgumentException("transport " + t + " is not supported yet (UDP and TCP are)");
            }
        }
        transports = Set.copyOf(EnumSet.copyOf(transports));
        if (maxMessageBytes < 256 || maxMessageBytes > 65_535) {
            throw new IllegalArgumentException("maxMessageBytes must be 256..65535, got " + maxMessageBytes);
        }
        if (maxBufferedBytesPerConnection < maxMessageBytes) {
            throw new IllegalArgumentException("maxBufferedBytesPerConnection (" + maxBufferedBytesPerConnection
                    + ") must be at least maxMessageBytes (" + maxMessageBytes + ")");
        }
        if (tcpIdleTimeout.isNegative() || tcpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("tcpIdleTimeout must be positive, got " + tcpIdleTimeout);
        }
        if (ioThreads < 0) throw new IllegalArgumentException("ioThreads must be >= 0, got " + ioThreads);
    }

    /** UDP and TCP on {@code address:port} with the default limits, sending anywhere public. */
    public static ListenerConfig of(InetAddress address, int port) {
        return new ListenerConfig(address, port, EnumSet.of(Transport.UDP, Transport.TCP), DEFAULT_MAX_MESSAGE_BYTES,
                DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_TCP_IDLE_TIMEOUT, AllowList.ANY, 0, true);
    }

    public static ListenerConfig of(InetSocketAddress address) { return of(address.getAddress(), address.getPort()); }

    public InetSocketAddress bindSocketAddress() { return new InetSocketAddress(bindAddress, port); }

    public boolean has(Transport t) { return transports.contains(t); }

    public ListenerConfig withPort(int p) {
        return new ListenerConfig(bindAddress, p, transports, maxMessageBytes, maxBufferedBytesPerConnection,
                tcpIdleTimeout, outboundAllowList, ioThreads, preferNative);
    }

    public ListenerConfig withTransports(Set<Transport> t) {
        return new ListenerConfig(bindAddress, port, t, maxMessageBytes, maxBufferedBytesPerConnection,
                tcpIdleTimeout, outboundAllowList, ioThreads, preferNative);
    }

    public ListenerConfig withMaxMessageBytes(int max) {
        return new ListenerConfig(bindAddress, port, transports, max, Math.max(max, maxBufferedBytesPerConnection),
                tcpIdleTimeout, outboundAllowList, ioThreads, preferNative);
    }

    public ListenerConfig withMaxBufferedBytesPerConnection(int max) {
        return new ListenerConfig(bindAddress, port, transports, maxMessageBytes, max,
                tcpIdleTimeout, outboundAllowList, ioThreads, preferNative);
    }

    public ListenerConfig withTcpIdleTimeout(Duration d) {
        return new ListenerConfig(bindAddress, port, transports, maxMessageBytes, maxBufferedBytesPerConnection,
                d, outboundAllowList, ioThreads, preferNative);
    }

    public ListenerConfig withAllowList(AllowList a) {
        return new ListenerConfig(bindAddress, port, transports, maxMessageBytes, maxBufferedBytesPerConnection,
                tcpIdleTimeout, a, ioThreads, preferNative);
    }

    public ListenerConfig withIoThreads(int n) {
        return new ListenerConfig(bindAddress, port, transports, maxMessageBytes, maxBufferedBytesPerConnection,
                tcpIdleTimeout, outboundAllowList, n, preferNative);
    }

    public ListenerConfig withPreferNative(boolean p) {
        return new ListenerConfig(bindAddress, port, transports, maxMessageBytes, maxBufferedBytesPerConnection,
                tcpIdleTimeout, outboundAllowList, ioThreads, p);
    }
}
