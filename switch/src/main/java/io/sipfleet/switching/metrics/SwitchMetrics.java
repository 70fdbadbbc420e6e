package io.sipfleet.switching.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sipfleet.switching.auth.AuthFailureGuard;
import io.sipfleet.switching.cdr.CdrWriter;
import io.sipfleet.switching.config.ConfigHolder;
import io.sipfleet.switching.config.Subscription;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The switch's Prometheus metrics, under the names a carrier engineer greps for. Every method
 * is thread-safe and cheap enough for the SIP path (a map lookup and an atomic add): counters
 * for a tag value are made once and cached.
 *
 * <p>Exposed as (Prometheus names):
 * <ul>
 * <li>{@code sipfleet_registrations_total{result}}: REGISTERs by outcome
 *     ({@code ok}, {@code unregister}, {@code challenged}, {@code auth_failed}, {@code rejected},
 *     {@code interval_too_brief})</li>
 * <li>{@code sipfleet_bindings}: contact bindings in the location table</li>
 * <li>{@code sipfleet_calls_total{result}}: calls by outcome ({@code answered}, {@code failed},
 *     {@code cancelled}, {@code cps_rejected}, {@code channel_rejected}, {@code timeout})</li>
 * <li>{@code sipfleet_channels_in_use}, {@code sipfleet_channel_limit} (0 = unlimited)</li>
 * <li>{@code sipfleet_cps_rejected_total{scope}}: calls refused by a CPS limit, {@code switch} or {@code route}</li>
 * <li>{@code sipfleet_keepalive_rtt_seconds}: keep-alive round trips (histogram),
 *     {@code sipfleet_keepalive_lost_total}: unanswered pings</li>
 * <li>{@code sipfleet_auth_failures_total}, {@code sipfleet_auth_blocked_sources}: scanner protection;
 *     once {@link #authGuard} is called also {@code sipfleet_auth_dropped_total} (requests of blocked
 *     sources dropped) and {@code sipfleet_auth_blocks_total} (blocks started)</li>
 * <li>{@code sipfleet_transactions_active{kind}}: SIP transactions in progress</li>
 * <li>{@code sipfleet_sip_messages_total{direction,kind}}: SIP messages {@code in}/{@code out},
 *     kind = method or response class ({@code INVITE}, {@code 2xx}, ...)</li>
 * <li>{@code sipfleet_config_version}, {@code sipfleet_config_reloads_total{result}}, once
 *     {@link #follow(ConfigHolder)} is called</li>
 * <li>{@code sipfleet_cdrs_written_total}, {@code sipfleet_cdrs_dropped_total}, {@code sipfleet_cdr_queue}
 *     of the writer given to {@link #cdrWriter(CdrWriter)}</li>
 * <li>{@code sipfleet_upstream_registered{registrar,username}} (1 registered, 0 not) and
 *     {@code sipfleet_upstream_last_status{registrar,username}} (last final status of its REGISTER:
 *     200, 401, 403, 423..., 408 no answer, 503 not sent, 0 none yet) of each upstream registration,
 *     once {@link #upstreamRegistrations} is called</li>
 * <li>JVM memory, threads, CPU and uptime, under Micrometer's usual names.</li>
 * </ul>
 * Every series carries {@code server=<serverId>}.
 */
public final class SwitchMetrics {

    private final PrometheusMeterRegistry registry;
    private final Tags common;
    private final TaggedCounters registrations;
    private final TaggedCounters calls;
    private final TaggedCounters cpsRejected;
    private final TaggedCounters messagesIn;
    private final TaggedCounters messagesOut;
    private final Counter keepAliveLost;
    private final Counter authFailures;
    private final Timer keepAliveRtt;
    private final AtomicLong bindings = new AtomicLong();
    private final AtomicLong channelsInUse = new AtomicLong();
    private final AtomicLong channelLimit = new AtomicLong();
    private final AtomicLong authBlockedSources = new AtomicLong();
    private final AtomicLong storeDisconnects = new AtomicLong();
    private final ConcurrentMap<String, AtomicLong> transactionsActive = new ConcurrentHashMap<>();
    private final AtomicReference<CdrWriter> cdrWriter = new AtomicReference<>();
    private final AtomicReference<AuthFailureGuard> authGuard = new AtomicReference<>();

    /** Metrics for {@code serverId} in a new Prometheus registry, with JVM metrics bound. */
    public SwitchMetrics(String serverId) {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), serverId);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Metrics for {@code serverId} in {@code registry} (shared with other components). */
    public SwitchMetrics(PrometheusMeterRegistry registry, String serverId) {
        this.registry = registry;
        this.common = Tags.of("server", serverId);
        registrations = counters("sipfleet.registrations", "REGISTER requests by outcome", common, "result");
        registrations.preregister("ok", "unregister", "challenged", "auth_failed", "rejected");
        calls = counters("sipfleet.calls", "calls ended, by outcome", common, "result");
        calls.preregister("answered", "failed", "cancelled", "cps_rejected", "channel_rejected", "timeout");
        cpsRejected = counters("sipfleet.cps.rejected", "calls refused by a calls-per-second limit", common, "scope");
        cpsRejected.preregister("switch", "route");
        messagesIn = counters("sipfleet.sip.messages", "SIP messages", common.and("direction", "in"), "kind");
        messagesOut = counters("sipfleet.sip.messages", "SIP messages", common.and("direction", "out"), "kind");
        keepAliveLost = Counter.builder("sipfleet.keepalive.lost").description("keep-alive pings not answered")
                .tags(common).register(registry);
        authFailures = Counter.builder("sipfleet.auth.failures").description("failed digest authentications")
                .tags(common).register(registry);
        // Buckets around NAT keep-alive reality: LAN in ms, mobile in hundreds of ms, trouble in s.
        keepAliveRtt = Timer.builder("sipfleet.keepalive.rtt").description("keep-alive round-trip time")
                .tags(common)
                .serviceLevelObjectives(ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000),
                        ms(2000), ms(5000))
                .register(registry);
        gauge("sipfleet.bindings", "contact bindings in the location table", bindings);
        gauge("sipfleet.channels.in.use", "calls in progress", channelsInUse);
        gauge("sipfleet.channel.limit", "configured channel limit, 0 = unlimited", channelLimit);
        Gauge.builder("sipfleet.auth.blocked.sources", this, m -> m.blockedSourcesNow())
                .description("source addresses blocked after failed authentications").tags(common)
                .strongReference(true).register(registry);
        cdrMeters();
    }

    private TaggedCounters counters(String name, String description, Tags tags, String tagKey) {
        return new TaggedCounters(registry, name, description, tags, tagKey);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private void gauge(String name, String description, AtomicLong value) {
        // Strong reference: Micrometer holds gauge state weakly by default and would report NaN
        // once the AtomicLong were collected.
        Gauge.builder(name, value, AtomicLong::get).description(description).tags(common)
                .strongReference(true).register(registry);
    }

    private final java.util.Map<String, UpstreamGauges> upstream = new java.util.HashMap<>();

    private record UpstreamGauges(AtomicLong registered, AtomicLong lastStatus, java.util.List<io.micrometer.core.instrument.Meter> meters) {
    }

    /**
     * The upstream registrations now: gauges made for new ones, updated, and removed for those
     * no longer configured (a removed registration leaves no stale 1 behind).
     */
    public synchronized void upstreamRegistrations(java.util.Map<String, io.sipfleet.switching.upstream.UpstreamRegistrations.Status> now) {
        for (var e : now.entrySet()) {
            var st = e.getValue();
            UpstreamGauges g = upstream.computeIfAbsent(e.getKey(), k -> {
                AtomicLong reg = new AtomicLong(), last = new AtomicLong();
                Tags tags = common.and("registrar", st.registrar(), "username", st.username());
                var m1 = Gauge.builder("sipfleet.upstream.registered", reg, AtomicLong::get)
                        .description("upstream registration in force: 1 registered, 0 not").tags(tags)
                        .strongReference(true).register(registry);
                var m2 = Gauge.builder("sipfleet.upstream.last.status", last, AtomicLong::get)
                        .description("last final status of the upstream REGISTER (408 no answer, 503 not sent, 0 none yet)")
                        .tags(tags).strongReference(true).register(registry);
                return new UpstreamGauges(reg, last, java.util.List.of(m1, m2));
            });
            g.registered().set(st.registered() ? 1 : 0);
            g.lastStatus().set(st.lastStatus());
        }
        for (var it = upstream.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!now.containsKey(e.getKey())) {
                e.getValue().meters().forEach(registry::remove);
                it.remove();
            }
        }
    }

    /** A REGISTER finished with {@code result} (see the class comment for the usual values). */
    public void registration(String result) {
        registrations.get(result).increment();
    }

    /** The location table now holds {@code count} bindings. */
    public void bindings(long count) {
        bindings.set(count);
    }

    /** A call ended with {@code result} (see the class comment for the usual values). */
    public void call(String result) {
        calls.get(result).increment();
    }

    /** {@code count} calls are up now. */
    public void channelsInUse(long count) {
        channelsInUse.set(count);
    }

    /** The channel limit in force (0 = unlimited); {@link #follow} keeps it in step with config. */
    public void channelLimit(long limit) {
        channelLimit.set(limit);
    }

    /** A call was refused by the CPS limit of {@code scope}: {@code "switch"} or {@code "route"}. */
    public void cpsRejected(String scope) {
        cpsRejected.get(scope).increment();
    }

    /** A keep-alive ping was answered after {@code rttNanos}. */
    public void keepAliveRtt(long rttNanos) {
        keepAliveRtt.record(rttNanos, TimeUnit.NANOSECONDS);
    }

    /** A keep-alive ping went unanswered. */
    public void keepAliveLost() {
        keepAliveLost.increment();
    }

    /** A digest authentication failed (wrong password, unknown user, stale replay). */
    public void authFailure() {
        authFailures.increment();
    }

    /** {@code count} source addresses are blocked now (ignored once {@link #authGuard} gives the guard itself). */
    public void authBlockedSources(long count) {
        authBlockedSources.set(count);
    }

    /**
     * Publishes the guard's own counts, read at scrape time: blocked sources (instead of the last
     * {@link #authBlockedSources} value), requests dropped, blocks started. Call once.
     */
    public void authGuard(AuthFailureGuard guard) {
        if (!authGuard.compareAndSet(null, guard)) throw new IllegalStateException("auth guard already published");
        functionCounter("sipfleet.auth.dropped", "requests of blocked sources dropped unanswered", guard,
                AuthFailureGuard::droppedRequests, Tags.empty());
        functionCounter("sipfleet.auth.blocks", "source blocks started after failed authentications", guard,
                AuthFailureGuard::blocksStarted, Tags.empty());
    }

    /**
     * The cluster store's connection, read at scrape time: {@code sipfleet_store_connected} (1 up,
     * 0 down), {@code sipfleet_store_disconnects_total}, and {@code sipfleet_calls_admitted_locally_total}
     * (calls admitted on this member's share while the store was down, storeFailMode open). Call once.
     */
    public void store(io.sipfleet.cluster.StoreHealth health, io.sipfleet.switching.calls.CallTracker calls) {
        Gauge.builder("sipfleet.store.connected", health, h -> h.connected() ? 1 : 0)
                .description("1 while the cluster's shared store (Redis) is reachable, else 0")
                .tags(common).strongReference(true).register(registry);
        // Function counters hold their state weakly: the counts live in fields of this object.
        health.onChange(up -> { if (!up) storeDisconnects.incrementAndGet(); });
        functionCounter("sipfleet.store.disconnects", "times the connection to the cluster's store was lost",
                storeDisconnects, AtomicLong::get, Tags.empty());
        functionCounter("sipfleet.calls.admitted.locally", "calls admitted on this member's share while the store was down",
                calls, io.sipfleet.switching.calls.CallTracker::admittedLocally, Tags.empty());
    }

    private double blockedSourcesNow() {
        AuthFailureGuard g = authGuard.get();
        return g != null ? g.blockedSources() : authBlockedSources.get();
    }

    /** {@code count} transactions of {@code kind} (e.g. {@code "server_invite"}) are in progress now. */
    public void transactionsActive(String kind, long count) {
        AtomicLong v = transactionsActive.get(kind);
        if (v == null) {
            v = transactionsActive.computeIfAbsent(kind, k -> {
                AtomicLong state = new AtomicLong();
                Gauge.builder("sipfleet.transactions.active", state, AtomicLong::get)
                        .description("SIP transactions in progress").tags(common).tag("kind", k)
                        .strongReference(true).register(registry);
                return state;
            });
        }
        v.set(count);
    }

    /** A SIP message of {@code kind} was received. */
    public void messageIn(String kind) {
        messagesIn.get(kind).increment();
    }

    /** A SIP message of {@code kind} was sent. */
    public void messageOut(String kind) {
        messagesOut.get(kind).increment();
    }

    /** {@link #messageIn} or {@link #messageOut} by {@code direction}: {@code "in"} or {@code "out"}. */
    public void sipMessage(String direction, String kind) {
        switch (direction) {
            case "in" -> messageIn(kind);
            case "out" -> messageOut(kind);
            default -> throw new IllegalArgumentException("direction is \"in\" or \"out\", was " + direction);
        }
    }

    /**
     * Publishes the running config version and reload outcomes, and keeps
     * {@code sipfleet_channel_limit} equal to the config's channelLimit. Close to stop following.
     */
    public Subscription follow(ConfigHolder holder) {
        Gauge.builder("sipfleet.config.version", holder, h -> h.current().version())
                .description("version of the config snapshot in force").tags(common).strongReference(true)
                .register(registry);
        functionCounter("sipfleet.config.reloads", "config snapshots offered", holder, ConfigHolder::appliedCount,
                Tags.of("result", "applied"));
        functionCounter("sipfleet.config.reloads", "config snapshots offered", holder, ConfigHolder::refusedCount,
                Tags.of("result", "refused"));
        Subscription s = holder.subscribe((prev, next) -> channelLimit(next.channelLimit()));
        channelLimit(holder.current().channelLimit());
        return s;
    }

    /**
     * Publishes the counts of {@code writer} (the CDR series read 0 until then); pass the new
     * writer when CDRs move to another writer, or null when they are turned off.
     */
    public void cdrWriter(CdrWriter writer) {
        cdrWriter.set(writer);
    }

    private void cdrMeters() {
        functionCounter("sipfleet.cdrs.written", "CDRs written to the file", cdrWriter,
                r -> r.get() == null ? 0 : r.get().written(), Tags.empty());
        functionCounter("sipfleet.cdrs.dropped", "CDRs that could not be written (logged instead)", cdrWriter,
                r -> r.get() == null ? 0 : r.get().dropped(), Tags.empty());
        Gauge.builder("sipfleet.cdr.queue", cdrWriter, r -> r.get() == null ? 0 : r.get().queued())
                .description("CDRs waiting for the disk").tags(common).strongReference(true).register(registry);
    }

    private <T> void functionCounter(String name, String description, T state, ToDoubleFunction<T> f, Tags tags) {
        FunctionCounter.builder(name, state, f).description(description).tags(common).tags(tags).register(registry);
    }

    /** The registry, for {@link MetricsServer} and for components that add their own meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition, as {@code GET /metrics} returns it. */
    public String scrape() {
        return registry.scrape();
    }
}
