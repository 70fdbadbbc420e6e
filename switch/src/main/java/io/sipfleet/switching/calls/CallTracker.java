package io.sipfleet.switching.calls;

import io.netty.util.Timer;
import io.sipfleet.cluster.limits.CallAdmission;
import io.sipfleet.cluster.limits.ChannelCounter;
import io.sipfleet.cluster.limits.CpsLimiter;
import io.sipfleet.cluster.limits.InMemoryChannelCounter;
import io.sipfleet.cluster.limits.InMemoryCpsLimiter;
import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.cdr.Cdr;
import io.sipfleet.switching.cdr.EndReason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the calls in progress: admission against the CPS and channel limits, the channel each
 * call holds, the dialog facts in-dialog routing needs, and the CDR written when the call ends.
 *
 * <p>A channel is held from the moment the INVITE is admitted (so a burst of INVITEs cannot
 * overshoot the limit while they ring) until the call ends: a failure response, CANCEL, BYE from
 * either side, or the session timeout. Ending is idempotent; the channel lease is released
 * exactly once, so the count never goes negative and never leaks.
 */
public final class CallTracker {
    private static final Logger log = LoggerFactory.getLogger(CallTracker.class);

    private final CallAdmission admission;
    private final ChannelCounter channels;
    private final Timer timer;
    private final Clock clock;
    private final String serverId;
    private final String scope;
    private final Consumer<Cdr> cdrSink;
    private final ConcurrentHashMap<String, Call> calls = new ConcurrentHashMap<>();
    /** Fallback limits of this member alone, used only while the store is down and storeFailMode is open. */
    private final CpsLimiter localCps = new InMemoryCpsLimiter(() -> System.nanoTime() / 1_000_000);
    private final InMemoryChannelCounter localChannels;
    private final CallAdmission localAdmission;
    /** Calls holding a channel of this member's own cap (memberChannelLimit), reserved before the store is asked. */
    private final AtomicInteger ownChannels = new AtomicInteger();
    private final LongAdder admittedLocally = new LongAdder();
    /** nanoTime of the last "admitting locally" warning: one every 10 s at most, not one per call. */
    private final java.util.concurrent.atomic.AtomicLong lastLocalWarn = new java.util.concurrent.atomic.AtomicLong();
    private volatile Limits limits;
    // INVITEs admitted here per whole second (this switch only), for the X-Load a dispatcher reads
    private long admitSecond;
    private int admittedThisSecond, admittedPreviousSecond;

    /**
     * The limits in force (replaced atomically on a config reload). 0 = unlimited.
     *
     * @param memberChannelLimit this cluster member's own cap (0 = none), see {@code Clustering}
     * @param failOpen           while the store is down, admit against this member's share of the
     *                           limits instead of refusing
     * @param members            members of the cluster, this one included (1 when standalone): the
     *                           share is the limit divided by it, rounded up
     */
    public record Limits(int cpsLimit, int channelLimit, Duration sessionTimeout, int memberChannelLimit,
                         boolean failOpen, int members) {
        public Limits {
            if (members < 1) throw new IllegalArgumentException("members: " + members);
        }

        public Limits(int cpsLimit, int channelLimit, Duration sessionTimeout) {
            this(cpsLimit, channelLimit, sessionTimeout, 0, false, 1);
        }

        /** This member's share of a cluster limit (0 stays unlimited). */
        int share(int limit) { return limit == 0 ? 0 : (limit + members - 1) / members; }
    }

    public CallTracker(CpsLimiter cps, ChannelCounter channels, Timer timer, Clock clock, String serverId,
                       Limits limits, Consumer<Cdr> cdrSink) {
        this(cps, channels, timer, clock, serverId, null, limits, cdrSink);
    }

    /**
     * @param clusterId the cluster this switch is a member of, or null. A member counts its CPS and
     *                  channels in the cluster's scope ({@code "cluster"}, in the cluster's own
     *                  keyspace of the shared store), so the limits hold for the cluster in total;
     *                  a standalone switch counts them as {@code "server:<serverId>"}, per server.
     */
    public CallTracker(CpsLimiter cps, ChannelCounter channels, Timer timer, Clock clock, String serverId,
                       String clusterId, Limits limits, Consumer<Cdr> cdrSink) {
        this(CallAdmission.of(cps, channels), channels, timer, clock, serverId, clusterId, limits, cdrSink);
    }

    /**
     * @param admission a new call's CPS windows and channel lease in one operation (one round trip
     *                  on a shared store), on the same store as {@code channels}, which releases and
     *                  refreshes the leases it takes
     */
    public CallTracker(CallAdmission admission, ChannelCounter channels, Timer timer, Clock clock, String serverId,
                       String clusterId, Limits limits, Consumer<Cdr> cdrSink) {
        this.scope = clusterId != null ? "cluster" : "server:" + serverId;
        this.admission = admission;
        this.channels = channels;
        this.timer = timer;
        this.clock = clock;
        this.serverId = serverId;
        this.limits = limits;
        this.cdrSink = cdrSink;
        this.localChannels = new InMemoryChannelCounter(() -> System.nanoTime() / 1_000_000, channels.leaseTtl());
        this.localAdmission = CallAdmission.of(localCps, localChannels);
    }

    public void limits(Limits next) { this.limits = next; }

    public Limits limits() { return limits; }

    /** The scope of the switch-wide limits: {@code "cluster"} for a cluster member, else {@code "server:<id>"}. */
    String serverScope() { return scope; }

    /**
     * Checks the limits for a new INVITE and, when admitted, starts tracking the call (its channel
     * is then held). {@code routeScope}/{@code routeCps}: the carrier route's own CPS limit, or
     * null/0. Completes with the admission; a CPS slot taken by a call refused for channels is
     * not given back (it was an attempt, and CPS counts attempts).
     */
    public CompletionStage<Admission> admit(SipRequest invite, Peer from, String routeScope, int routeCps) {
        return admit(invite, from, routeScope, routeCps, true);
    }

    /**
     * @param countCps false for a call another member already counted against the cluster's CPS
     *                 (handed over by capacity failover): only its channel is taken here
     */
    public CompletionStage<Admission> admit(SipRequest invite, Peer from, String routeScope, int routeCps,
                                            boolean countCps) {
        Limits l = limits;
        CompletionStage<Admission> shared = admitWith(admission, invite, from, routeScope, routeCps, countCps, l,
                l.cpsLimit(), l.channelLimit(), false);
        if (!l.failOpen()) return shared;
        // storeFailMode open: the store could not answer, so this member decides alone, on its
        // share of the limits. The call's channel then lives in the local counter until a lease
        // refresh reaches the store again and moves it there.
        return shared.handle((admission, error) -> {
            if (error == null) return CompletableFuture.completedFuture(admission);
            admittedLocally.increment();
            long now = System.nanoTime(), last = lastLocalWarn.get();
            if ((now - last > 10_000_000_000L || last == 0) && lastLocalWarn.compareAndSet(last, now)) {
                log.warn("calls: store unavailable ({}); admitting {} against this member's share (cps {}, channels {})",
                        rootMessage(error), invite.callId(), l.share(l.cpsLimit()), l.share(l.channelLimit()));
            }
            return admitWith(localAdmission, invite, from, routeScope, routeCps, countCps, l,
                    l.share(l.cpsLimit()), l.share(l.channelLimit()), true);
        }).thenCompose(stage -> stage);
    }

    /**
     * A call to a subscriber: the callee's live bindings and the call's admission.
     *
     * @param admission null when the callee had no live binding in the store: nothing was taken
     */
    public record CalleeCall(List<Binding> bindings, Admission admission) {}

    /**
     * A new INVITE to subscriber {@code aor}: looks up its bindings in {@code location} and, when
     * it has one, admits the call as {@link #admit} does (no carrier route), in one step: one round
     * trip on a cluster's Redis ({@link CallAdmission#admitCallee}). No fail-open fallback here: a
     * store that cannot be read cannot say where the callee is either, so the stage fails.
     */
    public CompletionStage<CalleeCall> admitCallee(SipRequest invite, Peer from, boolean countCps,
                                                   LocationStore location, String aor) {
        Limits l = limits;
        var found = new java.util.concurrent.atomic.AtomicReference<List<Binding>>();
        CallAdmission withLookup = (cpsScope, cps, route, routeCps, channelScope, key, channelLimit) ->
                admission.admitCallee(location, aor, cpsScope, cps, channelScope, key, channelLimit).thenApply(r -> {
                    found.set(r.bindings());
                    return r.verdict();
                });
        return admitWith(withLookup, invite, from, null, 0, countCps, l, l.cpsLimit(), l.channelLimit(), false)
                .thenCompose(admitted -> {
                    List<Binding> bindings = found.get();
                    if (bindings != null) return CompletableFuture.completedFuture(new CalleeCall(bindings, admitted));
                    // This member's cap was full with no CPS limit to count: the refusal needed no
                    // round trip, the lookup still does.
                    return location.lookup(aor).thenApply(b -> new CalleeCall(b, b.isEmpty() ? null : admitted));
                });
    }

    /**
     * @return the admission; null when {@code admitter} did not admit at all (a callee without a
     *         live binding, {@link #admitCallee}), which takes nothing
     */
    private CompletionStage<Admission> admitWith(CallAdmission admitter, SipRequest invite, Peer from,
                                                 String routeScope, int routeCps, boolean countCps,
                                                 Limits l, int cpsLimit, int channelLimit, boolean local) {
        String key = invite.callId() + ";" + invite.from().tag();
        int limit = channelLimit > 0 ? channelLimit : Integer.MAX_VALUE;
        String cpsScope = countCps && cpsLimit > 0 ? "cps:" + serverScope() : null;
        String route = countCps && routeScope != null && routeCps > 0 ? "cps:route:" + routeScope : null;
        int serverCps = cpsScope != null ? cpsLimit : 0, routeLimit = route != null ? routeCps : 0;
        // This member's own cap: reserved before the store is asked, so concurrent INVITEs cannot
        // all pass a check made before any of them was counted. When it is full, the CPS windows are
        // still counted (CPS counts attempts, whichever check then refuses) and no channel is asked for.
        boolean capped = !local && l.memberChannelLimit() > 0;
        if (capped && ownChannels.incrementAndGet() > l.memberChannelLimit()) {
            ownChannels.decrementAndGet();
            if (serverCps == 0 && routeLimit == 0) return CompletableFuture.completedFuture(Admission.MEMBER_CHANNEL_LIMIT);
            return admitter.admit(cpsScope, serverCps, route, routeLimit, null, null, 0)
                    .thenApply(v -> refusal(v, Admission.MEMBER_CHANNEL_LIMIT));
        }
        return admitter.admit(cpsScope, serverCps, route, routeLimit, serverScope(), key, limit).handle((verdict, error) -> {
            if (error == null && verdict == null) {
                if (capped) ownChannels.decrementAndGet();
                return null;
            }
            if (error != null || verdict != CallAdmission.Verdict.ADMITTED) {
                if (capped) ownChannels.decrementAndGet();
                if (error != null) throw error instanceof CompletionException ce ? ce : new CompletionException(error);
                return refusal(verdict, Admission.CHANNEL_LIMIT);
            }
            countAdmitted();
            Call call = start(invite, from, key, l);
            synchronized (call) {
                call.localLease = local;
                call.memberLease = capped;
            }
            if (capped) {
                // Published so the other members can judge this one's room; not waited for.
                channels.tryAcquire(memberScope(serverId), key, Integer.MAX_VALUE).exceptionally(e -> false);
            }
            return Admission.ADMITTED;
        });
    }

    /** Scope of one member's own channels in the store (kept only when memberChannelLimit is set). */
    static String memberScope(String memberId) { return "member:" + memberId; }

    /**
     * The member among {@code candidates} (server ids of the other members) with the most room
     * under {@code memberChannelLimit}, judged by the leases each holds in the store; empty when
     * the cluster as a whole is at its channel limit or no member has room.
     */
    public CompletionStage<java.util.Optional<String>> memberWithRoom(java.util.Collection<String> candidates) {
        Limits l = limits;
        if (candidates.isEmpty() || l.memberChannelLimit() <= 0) {
            return CompletableFuture.completedFuture(java.util.Optional.empty());
        }
        CompletableFuture<Integer> total = channels.count(serverScope()).toCompletableFuture();
        java.util.Map<String, CompletableFuture<Integer>> loads = new java.util.LinkedHashMap<>();
        for (String m : candidates) loads.put(m, channels.count(memberScope(m)).toCompletableFuture());
        return CompletableFuture.allOf(java.util.stream.Stream.concat(java.util.stream.Stream.of(total),
                        loads.values().stream()).toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    if (l.channelLimit() > 0 && total.join() >= l.channelLimit()) return java.util.Optional.<String>empty();
                    String best = null;
                    int bestLoad = Integer.MAX_VALUE;
                    for (var e : loads.entrySet()) {
                        int load = e.getValue().join();
                        if (load < l.memberChannelLimit() && load < bestLoad) {
                            best = e.getKey();
                            bestLoad = load;
                        }
                    }
                    return java.util.Optional.ofNullable(best);
                });
    }

    /**
     * Tracks a call relayed to us by a fellow cluster member for one of our bindings: the member
     * that took the INVITE admitted it and holds its channel, so this one takes none; it only keeps
     * the dialog facts (the callee's NAT flow) so in-dialog requests reach the callee.
     */
    public void trackRelayed(SipRequest invite, Peer from) {
        start(invite, from, null, limits);
    }

    private Call start(SipRequest invite, Peer from, String key, Limits l) {
        Cdr.Builder cdr = Cdr.builder().callId(invite.callId()).serverId(serverId)
                .from(aor(invite.from().uri().toString())).to(aor(invite.to().uri().toString()))
                .ruri(invite.requestUri().toString()).source(from.remote()).startTime(clock.instant());
        Call call = new Call(invite.callId(), invite.from().tag(), from, cdr, key);
        Call previous = calls.put(invite.callId(), call);
        if (previous != null && previous != call) end(previous, EndReason.CALL_ID_REUSED, 0);
        call.sessionTimer = timer.newTimeout(t -> end(call, EndReason.SESSION_TIMEOUT, 0),
                l.sessionTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return call;
    }

    private static String aor(String uri) {
        int semi = uri.indexOf(';');
        return semi < 0 ? uri : uri.substring(0, semi);
    }

    public Call find(String callId) { return calls.get(callId); }

    /** The route the call took (subscriber AoR or carrier route name, and the gateway). */
    public void routed(String callId, String route, String gateway) {
        Call c = calls.get(callId);
        if (c == null) return;
        synchronized (c) { c.cdr.route(route).gateway(gateway); }
    }

    /** The INVITE's final response went to the caller. */
    public void onFinal(String callId, int status, Peer answeredBy, String calleeTag) {
        Call c = calls.get(callId);
        if (c == null) return;
        if (status >= 200 && status < 300) {
            synchronized (c) {
                if (c.ended || c.answered) return;
                c.answered = true;
                c.callee = answeredBy;
                c.calleeTag = calleeTag;
                c.cdr.answerTime(clock.instant()).finalStatus(status);
            }
            return;
        }
        end(c, status == 487 ? EndReason.CANCEL : EndReason.failure(status), status);
    }

    /** A BYE passed the switch: the call is over whatever the BYE's own answer. */
    public void onBye(String callId, String fromTag) {
        Call c = calls.get(callId);
        if (c == null) return;
        end(c, c.fromCaller(fromTag) ? EndReason.BYE_CALLER : EndReason.BYE_CALLEE, 0);
    }

    private void end(Call c, String reason, int status) {
        boolean local, member;
        synchronized (c) {
            if (c.ended) return;
            c.ended = true;
            if (!c.answered) c.cdr.finalStatus(status);
            c.cdr.endTime(clock.instant()).endReason(reason);
            local = c.localLease;
            member = c.memberLease;
        }
        if (c.sessionTimer != null) c.sessionTimer.cancel();
        calls.remove(c.callId, c);
        if (c.channelKey != null) {
            (local ? localChannels : channels).release(serverScope(), c.channelKey).exceptionally(e -> {
                log.warn("calls: channel release failed for {} (lease expiry will free it): {}", c.callId, rootMessage(e));
                return false;
            });
        }
        if (member) {
            ownChannels.decrementAndGet();
            channels.release(memberScope(serverId), c.channelKey).exceptionally(e -> false);
        }
        if (c.channelKey == null) return; // relayed for a member: its CDR is that member's
        try {
            Cdr cdr;
            synchronized (c) { cdr = c.cdr.build(); }
            cdrSink.accept(cdr);
        } catch (RuntimeException e) {
            log.error("calls: CDR for {} could not be written", c.callId, e);
        }
    }

    /**
     * Refreshes the channel lease of every live call. The owner calls it well within the lease
     * TTL: a lease nobody refreshes (this process died, or lost the call) frees its channel.
     *
     * <p>It is also what makes the cluster's count exact again after the store was down: a lease
     * the store no longer has (it expired during the outage, or the store restarted empty) is
     * taken again for the call that is still up, and a channel admitted locally while the store
     * was down (storeFailMode open) is moved into the store. Neither may be refused: the call is
     * already carried, so both go in whatever the limit (the count may then be briefly above it,
     * and new calls wait until it is below).
     */
    public void refreshLeases() {
        List<Call> inStore = new ArrayList<>();
        List<Call> underMemberCap = new ArrayList<>();
        for (Call c : calls.values()) {
            if (c.channelKey == null) continue;
            boolean local, member;
            synchronized (c) {
                local = c.localLease;
                member = c.memberLease;
            }
            if (local) {
                localChannels.refresh(serverScope(), c.channelKey);
                channels.tryAcquire(serverScope(), c.channelKey, Integer.MAX_VALUE).thenAccept(ok -> {
                    if (!ok) return;
                    boolean ended;
                    synchronized (c) {
                        ended = c.ended;
                        if (!ended) c.localLease = false;
                    }
                    // Ended meanwhile: end() released the local lease, so the store's must go too.
                    if (ended) channels.release(serverScope(), c.channelKey);
                    else localChannels.release(serverScope(), c.channelKey);
                }).exceptionally(e -> null);
                continue;
            }
            inStore.add(c);
            if (member) underMemberCap.add(c);
        }
        // One store round trip per scope and batch, not one per call: with calls of minutes a
        // per-call refresh every TTL/3 would be several scripts per call, more than admitting it.
        reassert(serverScope(), inStore);
        reassert(memberScope(serverId), underMemberCap);
    }

    /** Why a call was refused: a CPS window's verdict as it is, else {@code channels} (whose limit refused it). */
    private static Admission refusal(CallAdmission.Verdict v, Admission channels) {
        if (v == null) return null;                                   // not admitted at all (admitCallee)
        return switch (v) {
            case CPS_LIMIT -> Admission.CPS_LIMIT;
            case ROUTE_CPS_LIMIT -> Admission.ROUTE_CPS_LIMIT;
            default -> channels;
        };
    }

    private synchronized void countAdmitted() {
        long now = clock.millis() / 1000;
        if (now != admitSecond) {
            admittedPreviousSecond = now == admitSecond + 1 ? admittedThisSecond : 0;
            admittedThisSecond = 0;
            admitSecond = now;
        }
        admittedThisSecond++;
    }

    /** INVITEs this switch admitted in the last whole second (its own, whatever the limit's scope). */
    public synchronized int admittedLastSecond() {
        long now = clock.millis() / 1000;
        if (now == admitSecond) return admittedPreviousSecond;
        return now == admitSecond + 1 ? admittedThisSecond : 0;
    }

    /** Refreshes the leases of {@code held} in {@code scope}; a lease the store no longer has is taken again. */
    private void reassert(String scope, List<Call> held) {
        if (held.isEmpty()) return;
        List<String> keys = new ArrayList<>(held.size());
        for (Call c : held) keys.add(c.channelKey);
        channels.refreshAll(scope, keys).thenAccept(answers -> {
            for (int i = 0; i < held.size(); i++) {
                if (answers.get(i)) continue;
                Call c = held.get(i);
                synchronized (c) {
                    if (c.ended) continue;
                }
                log.info("calls: lease of {} was gone from the store (expired while unreachable, or the store restarted);"
                        + " taken again", c.callId);
                channels.tryAcquire(scope, c.channelKey, Integer.MAX_VALUE);
            }
        }).exceptionally(e -> null);
    }

    /** Calls admitted against this member's local share while the store was down (storeFailMode open). */
    public long admittedLocally() { return admittedLocally.sum(); }

    /** Channels of this member held in its local fallback counter (not yet moved to the store). */
    public int localChannels() { return localChannels.count(serverScope()).toCompletableFuture().join(); }

    /** Calls holding a channel under this member's own cap (memberChannelLimit). */
    public int ownChannels() { return ownChannels.get(); }

    private static String rootMessage(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** Calls tracked right now (answered or ringing). */
    public int active() { return calls.size(); }

    public CompletionStage<Integer> channelsInUse() { return channels.count(serverScope()); }

    /**
     * A shared store's channel count is read for a gauge at most this often after a change: the
     * changes meanwhile (calls admitted or ended) share one read.
     */
    static final long GAUGE_DELAY_MILLIS = 100;
    private final AtomicBoolean gaugeDue = new AtomicBoolean();

    /**
     * A call was admitted or ended: {@code gauge} gets {@link #channelsInUse()}. A counter in this
     * process is read at once. A shared store's count is a script of its own (it was two scripts
     * per call, one per admission and one per end, as many as the call's own), so it is read
     * {@link #GAUGE_DELAY_MILLIS} after the first change not yet read, once for all the changes
     * meanwhile: the gauge lags by at most that, and costs at most 10 reads a second.
     */
    public void channelsChanged(IntConsumer gauge) {
        if (channels.isLocal()) {
            channelsInUse().thenAccept(gauge::accept);
            return;
        }
        if (!gaugeDue.compareAndSet(false, true)) return;
        try {
            timer.newTimeout(t -> {
                gaugeDue.set(false);
                channelsInUse().thenAccept(gauge::accept);
            }, GAUGE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (IllegalStateException stopped) {
            gaugeDue.set(false); // shutting down: the gauge no longer matters
        }
    }

    /** Ends every call (shutdown): channels released, CDRs written. */
    public void endAll(String reason) {
        for (Call c : calls.values()) end(c, reason, 0);
    }
}
