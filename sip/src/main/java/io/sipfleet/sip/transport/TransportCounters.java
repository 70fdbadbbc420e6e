package io.sipfleet.sip.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The live counters behind {@link TransportStats}: LongAdders, because every event loop thread
 * increments them and nobody should contend on one cache line per packet.
 */
final class TransportCounters {
    final LongAdder receivedUdp = new LongAdder();
    final LongAdder receivedTcp = new LongAdder();
    final LongAdder sentUdp = new LongAdder();
    final LongAdder sentTcp = new LongAdder();
    final LongAdder keepAlives = new LongAdder();
    final LongAdder pongs = new LongAdder();
    final LongAdder errorResponses = new LongAdder();
    final LongAdder tcpAccepted = new LongAdder();
    final LongAdder tcpConnected = new LongAdder();
    final LongAdder tcpClosed = new LongAdder();
    final LongAdder tcpIdleClosed = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];

    TransportCounters() {
        for (int i = 0; i < dropped.length; i++) dropped[i] = new LongAdder();
    }

    void drop(DropReason reason) { dropped[reason.ordinal()].increment(); }

    void received(Transport t) { (t == Transport.UDP ? receivedUdp : receivedTcp).increment(); }

    void sent(Transport t) { (t == Transport.UDP ? sentUdp : sentTcp).increment(); }

    TransportStats snapshot(IntSupplier openConnections) {
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) d.put(r, dropped[r.ordinal()].sum());
        return new TransportStats(receivedUdp.sum(), receivedTcp.sum(), sentUdp.sum(), sentTcp.sum(),
                keepAlives.sum(), pongs.sum(), errorResponses.sum(), tcpAccepted.sum(), tcpConnected.sum(),
                tcpClosed.sum(), tcpIdleClosed.sum(), openConnections.getAsInt(), d);
    }
}
