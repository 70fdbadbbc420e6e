package io.sipfleet.dispatching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The algorithms: each returns every usable destination, in the order they are tried: the
 * chosen one first, the rest as failover order. Lock-free (one atomic counter), allocation is
 * one small list per request.
 *
 * <p>Hash algorithms use rendezvous (highest random weight) hashing: each destination scores
 * {@code mix(hash(key) ^ seed(destination))}, highest first. A key stays on its switch while
 * that switch is up, whatever happens to the others; when it goes down only its keys move, and
 * they spread over the rest (a modulo hash would reshuffle every key).
 */
final class Selector {
    /** What least-loaded reads: each switch's headroom (0..1) and estimated calls in progress. */
    interface LoadView {
        double headroom(Destination d);

        int calls(Destination d);
    }

    private final List<Destination> all;
    private final int[] weightedCycle; // smooth weighted round-robin sequence of indexes into all
    private final AtomicLong counter = new AtomicLong();

    Selector(List<Destination> all) {
        this.all = List.copyOf(all);
        this.weightedCycle = smoothWeighted(this.all);
    }

    List<Destination> all() { return all; }

    /** Round-robin over the usable ones: each gets every n-th request. */
    List<Destination> roundRobin(Predicate<Destination> usable) {
        List<Destination> up = usable(usable);
        if (up.size() <= 1) return up;
        int start = (int) Math.floorMod(counter.getAndIncrement(), (long) up.size());
        return rotate(up, start);
    }

    /**
     * Weighted round-robin (nginx's smooth variant, precomputed): a weight-3 switch gets 3 of
     * every sum-of-weights requests, interleaved rather than in bursts. A down switch's turns go
     * to the next usable one in the cycle.
     */
    List<Destination> weighted(Predicate<Destination> usable) {
        List<Destination> up = usable(usable);
        if (up.size() <= 1) return up;
        long pos = counter.getAndIncrement();
        Destination first = null;
        for (int i = 0; i < weightedCycle.length && first == null; i++) {
            Destination d = all.get(weightedCycle[(int) Math.floorMod(pos + i, (long) weightedCycle.length)]);
            if (up.contains(d)) first = d;
        }
        return rotate(up, up.indexOf(first));
    }

    /**
     * Least-loaded: the most headroom first (the free share of the tightest limit the switch
     * reports), then the fewest calls; ties in round-robin order, so equal switches share the load
     * instead of the first one taking every call until its next report.
     */
    List<Destination> leastLoaded(Predicate<Destination> usable, LoadView load) {
        List<Destination> up = usable(usable);
        int n = up.size();
        if (n <= 1) return up;
        double[] free = new double[n];
        int[] calls = new int[n];
        for (int i = 0; i < n; i++) {
            free[i] = load.headroom(up.get(i));
            calls[i] = load.calls(up.get(i));
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (x, y) -> free[x] != free[y] ? Double.compare(free[y], free[x])
                : Integer.compare(calls[x], calls[y]));
        int tied = 1;
        while (tied < n && free[idx[tied]] == free[idx[0]] && calls[idx[tied]] == calls[idx[0]]) tied++;
        int start = tied > 1 ? (int) Math.floorMod(counter.getAndIncrement(), (long) tied) : 0;
        List<Destination> out = new ArrayList<>(n);
        for (int i = 0; i < tied; i++) out.add(up.get(idx[(start + i) % tied]));
        for (int i = tied; i < n; i++) out.add(up.get(idx[i]));
        return out;
    }

    /** Rendezvous order for {@code key} (a Call-ID, an AoR). */
    List<Destination> byKey(String key, Predicate<Destination> usable) {
        List<Destination> up = usable(usable);
        if (up.size() <= 1) return up;
        long k = Hashing.fnv1a64(key);
        up.sort(Comparator.comparingLong((Destination d) -> Hashing.mix(k ^ d.hashSeed())).reversed());
        return up;
    }

    private List<Destination> usable(Predicate<Destination> usable) {
        List<Destination> out = new ArrayList<>(all.size());
        for (Destination d : all) if (usable.test(d)) out.add(d);
        return out;
    }

    private static List<Destination> rotate(List<Destination> list, int start) {
        List<Destination> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) out.add(list.get((start + i) % list.size()));
        return out;
    }

    /** Smooth weighted round-robin: each step adds every weight to its current value, picks the largest, subtracts the total. */
    static int[] smoothWeighted(List<Destination> all) {
        int total = 0;
        for (Destination d : all) total += d.weight();
        int[] cycle = new int[total];
        long[] current = new long[all.size()];
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < all.size(); i++) {
                current[i] += all.get(i).weight();
                if (current[i] > current[best]) best = i;
            }
            current[best] -= total;
            cycle[step] = best;
        }
        return cycle;
    }
}
