package io.sipfleet.switching.calls;

import io.netty.util.Timer;
import io.sipfleet.cluster.limits.ChannelCounter;
import io.sipfleet.cluster.limits.CpsLimiter;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.cdr.Cdr;
import io.sipfleet.switching.cdr.EndReason;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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

    private final CpsLimiter cps;
    private final ChannelCounter channels;
    private final Timer timer;
    private final Clock clock;
    private final String serverId;
    private final String scope;
    private final Consumer<Cdr> cdrSink;
    private final ConcurrentHashMap<String, Call> calls = new ConcurrentHashMap<>();
    private volatile Limits limits;
    // INVITEs admitted here per whole second (this switch only), for the X-Load a dispatcher reads
    private long admitSecond;
    private int admittedThisSecond, admittedPreviousSecond;

    /** The limits in force (replaced atomically on a config reload). 0 = unlimited. */
    public record Limits(int cpsLimit, int channelLimit, Duration sessionTimeout) {}

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
        this.scope = clusterId != null ? "cluster" : "server:" + serverId;
        this.cps = cps;
        this.channels = channels;
        this.timer = timer;
        this.clock = clock;
        this.serverId = serverId;
        this.limits = limits;
        this.cdrSink = cdrSink;
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
        Limits l = limits;
        CompletionStage<Boolean> cpsOk = l.cpsLimit() > 0 ? cps.tryAcquire("cps:" + serverScope(), l.cpsLimit())
                : CompletableFuture.completedFuture(true);
        return cpsOk.thenCompose(ok -> {
            if (!ok) return CompletableFuture.completedFuture(Admission.CPS_LIMIT);
            if (routeScope != null && routeCps > 0) {
                return cps.tryAcquire("cps:route:" + routeScope, routeCps)
                        .thenCompose(rok -> rok ? channel(invite, from, l)
                                : CompletableFuture.completedFuture(Admission.ROUTE_CPS_LIMIT));
            }
            return channel(invite, from, l);
        });
    }

    private CompletionStage<Admission> channel(SipRequest invite, Peer from, Limits l) {
        String key = invite.callId() + ";" + invite.from().tag();
        int limit = l.channelLimit() > 0 ? l.channelLimit() : Integer.MAX_VALUE;
        return channels.tryAcquire(serverScope(), key, limit).thenApply(ok -> {
            if (!ok) return Admission.CHANNEL_LIMIT;
            countAdmitted();
            start(invite, from, key, l);
            return Admission.ADMITTED;
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

    private void start(SipRequest invite, Peer from, String key, Limits l) {
        Cdr.Builder cdr = Cdr.builder().callId(invite.callId()).serverId(serverId)
                .from(aor(invite.from().uri().toString())).to(aor(invite.to().uri().toString()))
                .ruri(invite.requestUri().toString()).source(from.remote()).startTime(clock.instant());
        Call call = new Call(invite.callId(), invite.from().tag(), from, cdr, key);
        Call previous = calls.put(invite.callId(), call);
        if (previous != null && previous != call) end(previous, EndReason.CALL_ID_REUSED, 0);
        call.sessionTimer = timer.newTimeout(t -> end(call, EndReason.SESSION_TIMEOUT, 0),
                l.sessionTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
        synchronized (c) {
            if (c.ended) return;
            c.ended = true;
            if (!c.answered) c.cdr.finalStatus(status);
            c.cdr.endTime(clock.instant()).endReason(reason);
        }
        if (c.sessionTimer != null) c.sessionTimer.cancel();
        calls.remove(c.callId, c);
        if (c.channelKey != null) channels.release(serverScope(), c.channelKey).exceptionally(e -> {
            log.error("calls: channel release failed for {} (lease expiry will free it)", c.callId, e);
            return false;
        });
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
     */
    public void refreshLeases() {
        for (Call c : calls.values()) {
            if (c.channelKey != null) channels.refresh(serverScope(), c.channelKey);
        }
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

    /** Calls tracked right now (answered or ringing). */
    public int active() { return calls.size(); }

    public CompletionStage<Integer> channelsInUse() { return channels.count(serverScope()); }

    /** Ends every call (shutdown): channels released, CDRs written. */
    public void endAll(String reason) {
        for (Call c : calls.values()) end(c, reason, 0);
    }
}
