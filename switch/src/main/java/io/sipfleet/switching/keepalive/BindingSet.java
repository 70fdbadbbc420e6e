package io.sipfleet.switching.keepalive;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.transport.Peer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The bindings this member pings: a map by (AoR, contact) for track/untrack, and the
 * {@link PingWheel} that gives each one its phase. Every change of one key runs inside the map's
 * {@code compute} for that key, so a REGISTER refresh and a keep-alive loss (or a store event)
 * for the same binding are serialized: a loss never removes the fresh binding of a UA that
 * re-registered a moment before. Lock order: map bin, then wheel; never the other way round.
 */
final class BindingSet {
    record Key(String aor, String contact) {}

    private final ConcurrentHashMap<Key, Tracked> entries = new ConcurrentHashMap<>();
    private final FlowPeers peers = new FlowPeers();
    private final AtomicLong generation = new AtomicLong();
    final PingWheel wheel;

    BindingSet(int slotCount) {
        wheel = new PingWheel(slotCount);
    }

    /**
     * Adds {@code b}, or refreshes the tracked binding of the same AoR and contact when {@code b}
     * is a newer write (a snapshot older than what we hold, e.g. from a reconcile pass running
     * while the UA re-registered, is ignored). Throws IllegalArgumentException when the flow's
     * addresses are not IP literals.
     */
    void track(Binding b) {
        entries.compute(new Key(b.aor(), b.contact()), (k, cur) -> {
            long gen = generation.get(); // read under the bin lock: see reconcile
            if (cur == null) {
                Tracked t = new Tracked(new Tracked.Target(b, peers.peerOf(b.flow())), gen);
                wheel.add(t);
                return t;
            }
            Tracked.Target held = cur.target;
            if (newerWrite(b, held.binding())) {
                // A refresh from where the UA was (the NAT mapping did not move) keeps the Peer it
                // had: the refresh then leaves one small record for the collector to promote
                // instead of a Peer and its two socket addresses, per REGISTER.
                Peer peer = b.flow().equals(held.binding().flow()) ? held.peer() : peers.peerOf(b.flow());
                cur.refresh(new Tracked.Target(b, peer));
            }
            if (cur.seenGeneration < gen) cur.seenGeneration = gen;
            return cur;
        });
    }

    /** Calls {@code action} with every tracked binding (weakly consistent, like the map's iteration). */
    void forEach(java.util.function.Consumer<io.sipfleet.cluster.location.Binding> action) {
        for (Tracked t : entries.values()) action.accept(t.target.binding());
    }

    /** Same write = same Call-ID and CSeq (what the store's removeIfCurrent compares). */
    static boolean sameWrite(Binding a, Binding b) {
        return a.cseq() == b.cseq() && a.callId().equals(b.callId());
    }

    private static boolean newerWrite(Binding next, Binding held) {
        if (next.registeredAtMillis() != held.registeredAtMillis()) {
            return next.registeredAtMillis() > held.registeredAtMillis();
        }
        return !sameWrite(next, held);
    }

    /** Stops pinging the tracked binding of {@code key} when {@code when} holds for it. */
    boolean remove(Key key, Predicate<Tracked> when) {
        Tracked[] gone = new Tracked[1];
        entries.computeIfPresent(key, (k, cur) -> {
            if (!when.test(cur)) return cur;
            cur.untracked = true;
            wheel.remove(cur);
            gone[0] = cur;
            return null;
        });
        return gone[0] != null;
    }

    boolean remove(Tracked t, Predicate<Tracked> when) {
        return remove(new Key(t.aor, t.contact), cur -> cur == t && when.test(cur));
    }

    Tracked get(String aor, String contact) { return entries.get(new Key(aor, contact)); }

    /**
     * Starts a reconcile pass: from now on every {@link #track} marks its binding with the
     * returned generation. Bindings not marked by the end of the pass were not in the store's
     * list of ours: see {@link #dropUnseen}.
     */
    long beginPass() { return generation.incrementAndGet(); }

    /** Stops pinging every binding not seen since {@code gen} began. Returns how many. */
    int dropUnseen(long gen) {
        int dropped = 0;
        for (Tracked t : entries.values()) {
            if (t.seenGeneration < gen && remove(t, cur -> cur.seenGeneration < gen)) dropped++;
        }
        return dropped;
    }

    /** Stops pinging bindings for which {@code when} holds (settings changed the member id). */
    int removeAll(Predicate<Tracked> when) {
        int n = 0;
        for (Tracked t : entries.values()) if (when.test(t) && remove(t, when)) n++;
        return n;
    }

    int size() { return entries.size(); }
}
