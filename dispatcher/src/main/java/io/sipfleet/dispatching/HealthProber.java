package io.sipfleet.dispatching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Probes every switch once per {@link #round()} (the node calls it every probe interval) and
 * keeps each one's {@link DestinationHealth}. A probe is answered when any final response comes
 * back (even 503); it fails when the transaction times out, or when it is still unanswered at
 * the next round (Timer F is 32 s, far longer than an interval). Time is the caller's: tests
 * drive rounds and answers by hand.
 */
final class HealthProber {
    /** Sends one probe to {@code d}; its outcome comes back through {@link #answered} / {@link #failed}. */
    interface ProbeSender {
        void send(Destination d, long seq);
    }

    private static final class Slot {
        final DestinationHealth health;
        long seq;          // the probe in flight; 0 = none yet
        boolean resolved = true;

        Slot(DestinationHealth health) { this.health = health; }
    }

    private final Map<Destination, Slot> slots = new LinkedHashMap<>();
    private final ProbeSender sender;
    private final BiConsumer<Destination, Boolean> onChange;

    HealthProber(List<Destination> destinations, int failuresToDown, int successesToUp, ProbeSender sender,
                 BiConsumer<Destination, Boolean> onChange) {
        for (Destination d : destinations) slots.put(d, new Slot(new DestinationHealth(d, failuresToDown, successesToUp)));
        this.sender = sender;
        this.onChange = onChange;
    }

    /** One round: the previous probe, if still unanswered, counts as failed; a new one goes out. */
    void round() {
        for (Map.Entry<Destination, Slot> e : slots.entrySet()) {
            Slot slot = e.getValue();
            long seq;
            boolean lost;
            synchronized (slot) {
                lost = !slot.resolved;
                slot.resolved = false;
                seq = ++slot.seq;
            }
            if (lost) record(slot, false);
            try {
                sender.send(e.getKey(), seq);
            } catch (RuntimeException ex) {
                failed(e.getKey(), seq); // could not even send: no answer will come
            }
        }
    }

    void answered(Destination d, long seq) { resolve(d, seq, true); }

    void failed(Destination d, long seq) { resolve(d, seq, false); }

    private void resolve(Destination d, long seq, boolean ok) {
        Slot slot = slots.get(d);
        if (slot == null) return;
        synchronized (slot) {
            if (slot.seq != seq || slot.resolved) return; // late: already counted as lost
            slot.resolved = true;
        }
        record(slot, ok);
    }

    private void record(Slot slot, boolean ok) {
        if (slot.health.record(ok)) onChange.accept(slot.health.destination(), slot.health.isUp());
    }

    boolean isUp(Destination d) {
        Slot s = slots.get(d);
        return s != null && s.health.isUp();
    }

    List<DestinationHealth.Snapshot> snapshot() {
        List<DestinationHealth.Snapshot> out = new ArrayList<>();
        for (Slot s : slots.values()) out.add(s.health.snapshot());
        return out;
    }
}
