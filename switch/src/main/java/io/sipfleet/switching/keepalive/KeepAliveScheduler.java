package io.sipfleet.switching.keepalive;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.BindingListener;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch's "UAC ping": keeps the NAT pinholes of the bindings registered through this member
 * open, and drops the bindings of UAs that went away without unregistering.
 *
 * <p>Wiring (see {@code package-info}): {@link #track} every binding a REGISTER added or
 * refreshed; {@code store.addListener(scheduler)} for removals; {@link #reconcile()} at start and
 * now and then; forward {@code onResponse}, {@code onTimeout} and {@code onTerminated} of the
 * switch's TransactionUser to the methods of the same name (they return true for our pings);
 * {@link #apply} on config reload; {@link #start()}.
 *
 * <p>Spread: each binding has a fixed phase on a {@link PingWheel} of {@code interval *
 * ticksPerSecond} slots, and one thread pings one slot per tick, so 100,000 bindings every 30 s
 * are ~333 pings every 100 ms rather than a burst. The slot is copied out under the wheel's lock
 * and sent without any lock.
 *
 * <p>OPTIONS go through the {@link TransactionLayer} (retransmissions, Timer F), from the
 * listener the binding registered through to the address the REGISTER came from. CRLF mode
 * hands 4 bytes to the {@link KeepAliveSender}; over UDP nothing answers a CRLF, so that mode
 * measures no RTT and never detects a lost binding (expiry still removes it).
 */
public final class KeepAliveScheduler implements BindingListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeepAliveScheduler.class);
    public static final int DEFAULT_TICKS_PER_SECOND = 10;
    /** Wheel size cap: a day-long interval must not become 864,000 slots. */
    static final int MAX_SLOTS = 1 << 16;

    private final LocationStore store;
    private final LongSupplier nanoClock;
    private final int ticksPerSecond;
    private final BindingSet bindings;
    private final PendingPings pending;
    private final Losses losses;
    private final Pinger pinger;
    private final RoundLog round = new RoundLog();
    private final KeepAliveDriver driver;
    private volatile KeepAliveSettings settings;

    /** Production: wall clock, System.nanoTime, {@value #DEFAULT_TICKS_PER_SECOND} ticks per second. */
    public KeepAliveScheduler(KeepAliveSettings settings, TransactionLayer layer, KeepAliveSender crlf,
                              LocationStore store, KeepAliveEvents events) {
        this(settings, layer, crlf, store, events, Clock.systemUTC(), System::nanoTime, DEFAULT_TICKS_PER_SECOND);
    }

    /**
     * @param clock          decides whether a binding expired (epoch millis, like {@link Binding})
     * @param nanoClock      measures round trips; must tick with the transaction layer's timer
     * @param ticksPerSecond wheel resolution: a slot every 1/ticksPerSecond s
     */
    public KeepAliveScheduler(KeepAliveSettings settings, TransactionLayer layer, KeepAliveSender crlf,
                              LocationStore store, KeepAliveEvents events, Clock clock, LongSupplier nanoClock,
                              int ticksPerSecond) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(crlf, "crlf");
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(clock, "clock");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (ticksPerSecond < 1 || ticksPerSecond > 1000) throw new IllegalArgumentException("ticksPerSecond: " + ticksPerSecond);
        this.ticksPerSecond = ticksPerSecond;
        this.bindings = new BindingSet(slotCount(settings));
        this.losses = new Losses(bindings, store, events, () -> this.settings.lostPingLimit(), round);
        this.pending = new PendingPings(nanoClock, events, losses::missed);
        this.pinger = new Pinger(bindings, pending, layer, crlf, clock, nanoClock, round);
        this.driver = new KeepAliveDriver(this::tick);
    }

    // ---- the set of bindings ---------------------------------------------------------------

    /**
     * Pings {@code b} from now on (a REGISTER added it), or updates it (a refresh: new expiry,
     * maybe a new NAT mapping; also resets its miss count, the REGISTER proves the UA alive).
     * A binding owned by another member is not pinged, and stops being pinged here if it was.
     * Returns true when {@code b} is pinged by this member.
     */
    public boolean track(Binding b) {
        if (!b.memberId().equals(settings.localMemberId())) {
            // re-registered through another member: that one pings it now
            bindings.remove(new BindingSet.Key(b.aor(), b.contact()), t -> true);
            return false;
        }
        try {
            bindings.track(b);
            return true;
        } catch (IllegalArgumentException e) {
            log.warn("keep-alive: not pinging {} {}: its flow {} has no usable address ({})", b.aor(), b.contact(),
                    b.flow(), e.getMessage());
            return false;
        }
    }

    /**
     * Every binding this member owns and tracks (pinging on or off: disabling keeps tracking),
     * as last written: what it puts back into a store that lost them.
     */
    public void forEachTracked(java.util.function.Consumer<Binding> action) {
        bindings.forEach(action);
    }

    /** Stops pinging the binding of {@code aor} for {@code contact}. True when it was pinged. */
    public boolean untrack(String aor, String contact) {
        return bindings.remove(new BindingSet.Key(aor, contact), t -> true);
    }

    /**
     * The store removed {@code b} (expired, unregistered, replaced, dropped): stop pinging it,
     * unless what we hold is a newer write of the same contact.
     */
    @Override public void onRemoved(Binding b, Cause cause) {
        bindings.remove(new BindingSet.Key(b.aor(), b.contact()),
                t -> t.target.binding().registeredAtMillis() <= b.registeredAtMillis());
    }

    /**
     * Makes the tracked set equal to the store's bindings owned by this member: tracks the ones
     * it lacks (after a restart, all of them) and drops the ones the store no longer lists as ours
     * (a UA that re-registered through another member; a removal whose event was missed). Run at
     * start and every few minutes. Completes with the number of bindings dropped.
     */
    public CompletionStage<Integer> reconcile() {
        long gen = bindings.beginPass();
        long started = nanoClock.getAsLong();
        int before = bindings.size();
        return store.forEachOwnedBy(settings.localMemberId(), this::track).thenApply(v -> {
            int dropped = bindings.dropUnseen(gen);
            log.info("keep-alive: reconciled with the location store in {} ms: {} bindings tracked before, {} now, "
                            + "{} no longer ours dropped", (nanoClock.getAsLong() - started) / 1_000_000, before,
                    bindings.size(), dropped);
            return dropped;
        });
    }

    // ---- settings and thread ---------------------------------------------------------------

    /**
     * Switches to {@code next} (config reload). A new interval re-spreads every binding over the
     * new wheel; no binding is lost. Disabling stops sending but keeps tracking.
     */
    public synchronized void apply(KeepAliveSettings next) {
        Objects.requireNonNull(next, "next");
        KeepAliveSettings prev = settings;
        if (next.equals(prev)) return;
        settings = next;
        if (!next.localMemberId().equals(prev.localMemberId())) {
            int n = bindings.removeAll(t -> !t.target.binding().memberId().equals(next.localMemberId()));
            log.warn("keep-alive: member id changed from {} to {}: stopped pinging {} bindings of the old id",
                    prev.localMemberId(), next.localMemberId(), n);
        }
        int slots = slotCount(next);
        if (slots != bindings.wheel.slotCount()) {
            bindings.wheel.resize(slots);
            driver.period(tickNanos(next, slots));
        }
        log.info("keep-alive: settings changed from [{}] to [{}]; {} bindings spread over {} slots of {} ms",
                prev, next, bindings.wheel.size(), slots, tickNanos(next, slots) / 1_000_000);
    }

    public KeepAliveSettings settings() { return settings; }

    /** Starts the keep-alive thread (a daemon); idempotent. */
    public synchronized void start() {
        KeepAliveSettings s = settings;
        int slots = bindings.wheel.slotCount();
        driver.start(tickNanos(s, slots));
        log.info("keep-alive: started, {}; {} bindings over {} slots of {} ms", s, bindings.size(), slots,
                tickNanos(s, slots) / 1_000_000);
    }

    /** Stops the thread. Pings in flight still finish in the transaction layer. */
    @Override public void close() {
        driver.close();
    }

    int slotCount(KeepAliveSettings s) {
        return (int) Math.min(MAX_SLOTS, (long) s.intervalSeconds() * ticksPerSecond);
    }

    static long tickNanos(KeepAliveSettings s, int slots) {
        return Duration.ofSeconds(s.intervalSeconds()).toNanos() / slots;
    }

    /** Pings the bindings of the next slot. One thread at a time (the driver's, or a test's). */
    void tick() {
        KeepAliveSettings s = settings;
        if (pinger.tick(s)) round.roundStarted(stats(), s);
    }

    // ---- answers ---------------------------------------------------------------------------

    /** True when {@code tx} is one of our OPTIONS pings still waiting for its final answer. */
    public boolean owns(ClientTransaction tx) { return pending.owns(tx); }

    /** From the switch's TransactionUser.onResponse; true when it was an answer to our ping (consumed). */
    public boolean onResponse(ClientTransaction tx, SipResponse response) { return pending.onResponse(tx, response); }

    /** From the switch's TransactionUser.onTimeout (Timer F); true when it was our ping. */
    public boolean onTimeout(ClientTransaction tx) { return pending.onTimeout(tx); }

    /**
     * From the switch's TransactionUser.onTerminated (optional: a transport error while sending
     * is caught at send time): a ping whose transaction ended unanswered without Timer F is a miss.
     */
    public boolean onTerminated(Transaction tx) { return pending.onTerminated(tx); }

    // ---- observation -----------------------------------------------------------------------

    public KeepAliveStats stats() {
        return new KeepAliveStats(bindings.size(), pending.size(), pinger.sent.sum(), pending.answered.sum(),
                pending.unanswered.sum(), losses.lost.sum(), pinger.failures.sum());
    }

    /** Last OPTIONS round trip of a tracked binding; null when not tracked or never answered. */
    public Duration lastRtt(String aor, String contact) {
        Tracked t = bindings.get(aor, contact);
        return t == null || t.lastRttNanos < 0 ? null : Duration.ofNanos(t.lastRttNanos);
    }

    /** Whether the binding is tracked (pinged unless disabled). */
    public boolean isTracked(String aor, String contact) { return bindings.get(aor, contact) != null; }

    /** Consecutive unanswered pings of a tracked binding, -1 when not tracked. */
    public int misses(String aor, String contact) {
        Tracked t = bindings.get(aor, contact);
        return t == null ? -1 : t.misses();
    }

    /** Bindings per wheel slot (one slot per tick), slot 0 first. */
    public int[] slotLoads() { return bindings.wheel.loads(); }
}
