package io.sipfleet.sip.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open TCP connections, by id (the {@code Peer.connectionId} a request arrived on, so its
 * responses reuse the connection: RFC 3261 18.2.2) and by remote address (to reuse a connection
 * for new messages to the same peer: RFC 3261 18.1.1 "SHOULD reuse"). Entries leave when the
 * channel closes. Concurrent maps: sends come from any thread; no lock is held across I/O.
 */
final class ConnectionTable {
    static final AttributeKey<Long> ID = AttributeKey.valueOf(ConnectionTable.class, "connectionId");

    /**
     * One connection. {@code connected} completes when it is usable (at once for accepted ones);
     * {@code queuedBytes} counts bytes waiting for it, bounded by maxBufferedBytesPerConnection.
     */
    record Connection(long id, Channel channel, InetSocketAddress remote, ChannelFuture connected,
                      AtomicLong queuedBytes) {
        boolean isOpen() { return channel.isOpen(); }
    }

    private final ConcurrentHashMap<Long, Connection> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, Connection> byRemote = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();

    /** The connection id of a channel, 0 when it has none (not a tracked TCP connection). */
    static long id(Channel ch) {
        Long id = ch.attr(ID).get();
        return id == null ? 0 : id;
    }

    /**
     * Adds {@code ch}; when {@code onlyIfNoOther} and another open connection to {@code remote}
     * exists, returns that one instead and adds nothing (two threads raced to connect).
     */
    Connection add(Channel ch, InetSocketAddress remote, ChannelFuture connected, boolean onlyIfNoOther) {
        Connection c = new Connection(nextId.incrementAndGet(), ch, remote, connected, new AtomicLong());
        if (onlyIfNoOther) {
            Connection other = byRemote.putIfAbsent(remote, c);
            if (other != null && other.isOpen()) return other;
            if (other != null) byRemote.replace(remote, other, c);
        } else {
            byRemote.put(remote, c);
        }
        ch.attr(ID).set(c.id());
        byId.put(c.id(), c);
        ch.closeFuture().addListener(f -> {
            byId.remove(c.id(), c);
            byRemote.remove(remote, c);
        });
        return c;
    }

    /** The open connection with this id, or null. */
    Connection byId(long id) {
        Connection c = id == 0 ? null : byId.get(id);
        return c != null && c.isOpen() ? c : null;
    }

    /** An open connection to {@code remote}, or null. */
    Connection byRemote(InetSocketAddress remote) {
        Connection c = byRemote.get(remote);
        return c != null && c.isOpen() ? c : null;
    }

    int size() { return byId.size(); }

    Iterable<Connection> all() { return byId.values(); }
}
