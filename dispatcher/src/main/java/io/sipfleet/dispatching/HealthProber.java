package io.sipfleet.dispatching;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every switch once per {@link #round()} (the node calls it every probe interval) and
 * keeps each one's {@link DestinationHealth} and last {@link LoadReport}. A probe is answered
 * when any final response comes back (even 503); it fails when the sender reports its timeout
 * ({@code probe.timeoutMillis}). While a switch is up, a failed probe is followed at once by the
 * next one, so {@code failuresToDown} failures take {@code failuresToDown × timeout}, well inside
 * an interval: a dead switch is out within two intervals of dying, whatever the interval. Time
 * is the caller's: tests drive rounds, answers and timeouts by hand.
 *
 * <p>A probe that times out while its switch keeps answering the calls sent to it
 * ({@link #heard}: any response from the switch after the probe left) is not a failure: the
 * switch is alive and slow (behind on its work, a collector pause), and taking it out of rotation
 * would pour its whole share onto the others, which a loaded cluster can least afford (the
 * cascade a carrier fears more than one slow switch). Its load reports and its own 503s say how
 * busy it is; silence on every front is what makes it dead. Traffic only keeps a switch up: a
 * switch that is down comes back on answered probes alone, so late answers from calls it had
 * before it went down never revive it.
 *
 * <p>Switches are keyed by address; {@link #reconfigure} (a config reload) keeps the state of
 * the ones that stay.
 */
final class HealthProber implements Selector.LoadView {
    private static final Logger log = LoggerFactory.getLogger(HealthProber.class);

    /** Sends one probe to {@code d}; its outcome comes back through {@link #answered} / {@link #failed}. */
    interface ProbeSender {
        void send(Destination d, long seq);
    }

    private static final class Slot {
        volatile Destination destination;
        final DestinationHealth health = new DestinationHealth();
        long seq;          // the last probe sent; 0 = none yet
        boolean inFlight;  // that probe has no outcome yet
        /** A response came from this switch since the probe in flight left; reset by each probe. */
        volatile boolean heardSinceProbe;
        volatile LoadReport load;
        final AtomicInteger sentSinceReport = new AtomicInteger();
        volatile long second;
        final AtomicInteger sentThisSecond = new AtomicInteger();

        Slot(Destination destination) { this.destination = destination; }
    }

    private volatile Map<InetSocketAddress, Slot> slots;
    private volatile int failuresToDown, successesToUp;
    private final ProbeSender sender;
    private final BiConsumer<Destination, Boolean> onChange;
    private final LongSupplier nanos;

    HealthProber(List<Destination> destinations, int failuresToDown, int successesToUp, ProbeSender sender,
                 BiConsumer<Destination, Boolean> onChange) {
        this(destinations, failuresToDown, successesToUp, sender, onChange, System::nanoTime);
    }

    HealthProber(List<Destination> destinations, int failuresToDown, int successesToUp, ProbeSender sender,
                 BiConsumer<Destination, Boolean> onChange, LongSupplier nanos) {
        this.sender = sender;
        this.onChange = onChange;
        this.nanos = nanos;
        this.slots = Map.of();
        reconfigure(destinations, failuresToDown, successesToUp);
    }

    /**
     * The switches and thresholds of a new config: a switch that stays (same address) keeps its
     * state and counts; a new one starts up (like at start); a removed one is forgotten, late
     * answers to its probes ignored.
     */
    synchronized void reconfigure(List<Destination> destinations, int failuresToDown, int successesToUp) {
        Map<InetSocketAddress, Slot> next = new LinkedHashMap<>();
        for (Destination d : destinations) {
            Slot s = slots.get(d.address());
            if (s == null) s = new Slot(d);
            else s.destination = d;
            next.put(d.address(), s);
        }
        this.failuresToDown = failuresToDown;
        this.successesToUp = successesToUp;
        this.slots = java.util.Collections.unmodifiableMap(next);
    }

    /** One round: a new probe to every switch without one in flight (that one's timeout is coming). */
    void round() {
        for (Slot slot : slots.values()) probe(slot);
    }

    /**
     * A switch failed to answer a request (an INVITE met silence): probe it now rather than at
     * the next round, so a switch that died under load is out within a few probe timeouts.
     */
    void probeNow(InetSocketAddress address) {
        Slot slot = slots.get(address);
        if (slot != null && slot.health.isUp()) probe(slot);
    }

    private void probe(Slot slot) {
        long seq;
        synchronized (slot) {
            if (slot.inFlight) return;
            slot.inFlight = true;
            seq = ++slot.seq;
            slot.heardSinceProbe = false;
        }
        try {
            sender.send(slot.destination, seq);
        } catch (RuntimeException ex) {
            failed(slot.destination, seq); // could not even send: no answer will come
        }
    }

    void answered(Destination d, long seq) { answered(d, seq, null); }

    /** The probe {@code seq} was answered; {@code load}: its X-Load, or null. */
    void answered(Destination d, long seq, LoadReport load) {
        Slot slot = resolve(d, seq);
        if (slot == null) return;
        if (load != null) {
            slot.load = load;
            slot.sentSinceReport.set(0);
        }
        record(slot, true);
    }

    /**
     * A response from {@code from} (to a call, a BYE, anything the dispatcher relayed): proof of
     * life for the probe in flight. On the hot path: one map lookup and a volatile read; the
     * write happens once per probe, not per response (no clock read, no shared line dirtied).
     * Racy on purpose, without the slot's lock: a response read here just before {@link #round}
     * clears the flag may still set it for the new probe, crediting a few microseconds early
     * against a probe timeout of hundreds of milliseconds.
     */
    void heard(InetSocketAddress from) {
        Slot slot = slots.get(from);
        if (slot != null && !slot.heardSinceProbe) slot.heardSinceProbe = true;
    }

    void failed(Destination d, long seq) {
        Slot slot = resolve(d, seq);
        if (slot == null) return;
        if (slot.health.isUp() && slot.heardSinceProbe) {
            // Alive but slow: not a failure, and no re-probe at once (that is for a suspect).
            if (slot.health.slowProbe()) {
                log.warn("dispatcher: probe of {} unanswered within its timeout, but the switch answers its calls:"
                        + " kept in rotation (slow, not dead); logged again after it answers a probe in time",
                        d.uri());
            }
            return;
        }
        record(slot, false);
        if (slot.health.suspect()) probe(slot);
    }

    /** The slot whose probe {@code seq} this outcome is, or null when late or unknown. */
    private Slot resolve(Destination d, long seq) {
        Slot slot = slots.get(d.address());
        if (slot == null) return null;
        synchronized (slot) {
            if (slot.seq != seq || !slot.inFlight) return null; // late: already counted
            slot.inFlight = false;
        }
        return slot;
    }

    private void record(Slot slot, boolean ok) {
        if (slot.health.record(ok, failuresToDown, successesToUp)) {
            onChange.accept(slot.destination, slot.health.isUp());
        }
    }

    /** Whether any switch answers its probes (false when every one is down, or there is none). */
    boolean anyUp() {
        for (Slot s : slots.values()) if (s.health.isUp()) return true;
        return false;
    }

    /** Probes of {@code d} that timed out while it answered its calls (0 for an unknown switch). */
    long slowProbes(Destination d) {
        Slot s = slots.get(d.address());
        return s == null ? 0 : s.health.slowProbes();
    }

    boolean isUp(Destination d) {
        Slot s = slots.get(d.address());
        return s != null && s.health.isUp();
    }

    /** The dispatcher sent a new call to {@code d}: counted against its last report until the next. */
    void sent(Destination d) {
        Slot s = slots.get(d.address());
        if (s == null) return;
        s.sentSinceReport.incrementAndGet();
        long second = nanos.getAsLong() / 1_000_000_000L;
        if (s.second != second) {
            s.second = second; // a race at the edge costs a count, never a lock
            s.sentThisSecond.set(0);
        }
        s.sentThisSecond.incrementAndGet();
    }

    @Override public double headroom(Destination d) {
        Slot s = slots.get(d.address());
        if (s == null) return 0;
        LoadReport load = s.load;
        int nowCps = s.second == nanos.getAsLong() / 1_000_000_000L ? s.sentThisSecond.get() : 0;
        return load == null ? 1.0 : load.headroom(s.sentSinceReport.get(), nowCps);
    }

    @Override public int calls(Destination d) {
        Slot s = slots.get(d.address());
        if (s == null) return Integer.MAX_VALUE;
        LoadReport load = s.load;
        return (load == null ? 0 : load.channels()) + s.sentSinceReport.get();
    }

    List<DestinationHealth.Snapshot> snapshot() {
        List<DestinationHealth.Snapshot> out = new ArrayList<>();
        for (Slot s : slots.values()) out.add(s.health.snapshot(s.destination, s.load));
        return out;
    }
}
