package io.sipfleet.dispatching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dispatcher's Prometheus series: {@code sipfleet_dispatcher_destination_up{destination}},
 * {@code sipfleet_dispatcher_requests_total{method}}, {@code sipfleet_dispatcher_failovers_total{destination,status}},
 * {@code sipfleet_dispatcher_dropped_total{reason}} (rate_limited, table_full), and
 * {@code sipfleet_dispatcher_rejected_total{status}} (answered by the dispatcher itself: 503, 483, 482 ...),
 * {@code sipfleet_dispatcher_all_down_requests_total} (sent to switches all marked down, whenAllDown "try-all").
 * Counters are looked up once per label set and cached.
 */
final class DispatcherMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final java.util.Map<String, java.util.List<io.micrometer.core.instrument.Meter>> perDestination =
            new java.util.HashMap<>();

    DispatcherMetrics(String serverId, SourceRateLimiter limiter) {
        registry.config().commonTags("server", serverId);
        FunctionCounterSupport.register(registry, limiter);
        // Registered here, after the common tags: as a field initializer it ran before them,
        // lacked the server tag, and Micrometer warned at every start.
        allDown = Counter.builder("sipfleet_dispatcher_all_down_requests")
                .description("new requests sent while every switch was marked down (whenAllDown try-all)").register(registry);
    }

    /**
     * Per switch of {@code destinations}: the up/down gauge and the count of slow probes; the
     * meters of switches no longer listed are removed (reload).
     */
    synchronized void destinations(java.util.List<Destination> destinations, HealthProber prober) {
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (Destination d : destinations) {
            keep.add(d.uri());
            perDestination.computeIfAbsent(d.uri(), uri -> java.util.List.of(
                    Gauge.builder("sipfleet_dispatcher_destination_up", () -> prober.isUp(d) ? 1 : 0)
                            .description("1 while the switch answers its probes, 0 once taken out")
                            .tag("destination", uri).register(registry),
                    io.micrometer.core.instrument.FunctionCounter.builder(
                                    "sipfleet_dispatcher_destination_slow_probes", prober, p -> p.slowProbes(d))
                            .description("probes that timed out while the switch answered its calls: kept up, not failures")
                            .tag("destination", uri).register(registry)));
        }
        perDestination.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) return false;
            e.getValue().forEach(registry::remove);
            return true;
        });
    }

    // Per request: looked up by the method / destination string itself (its hash is cached), no key built
    private final ConcurrentHashMap<String, Counter> byMethod = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> offeredTo = new ConcurrentHashMap<>();

    void request(String method) {
        // a label per method a scanner makes up would grow the series without bound
        if (!io.sipfleet.sip.parse.Methods.isKnown(method)) method = "other";
        Counter c = byMethod.get(method);
        if (c == null) c = byMethod.computeIfAbsent(method, m -> counter("sipfleet_dispatcher_requests", "method", m));
        c.increment();
    }

    void failover(Destination from, int status) {
        counter2("sipfleet_dispatcher_failovers", "destination", from.uri(), "status", Integer.toString(status)).increment();
    }

    /** A new call (INVITE) whose first choice is {@code d} (failovers are counted by {@link #failover}). */
    void offered(Destination d) {
        Counter c = offeredTo.get(d.uri());
        if (c == null) c = offeredTo.computeIfAbsent(d.uri(), u -> counter("sipfleet_dispatcher_calls_offered", "destination", u));
        c.increment();
    }

    private final Counter allDown;

    void allDown() { allDown.increment(); }

    void rejected(int status) { counter("sipfleet_dispatcher_rejected", "status", Integer.toString(status)).increment(); }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '\0' + value, k -> Counter.builder(name).tag(tag, value).register(registry));
    }

    private Counter counter2(String name, String t1, String v1, String t2, String v2) {
        return counters.computeIfAbsent(name + '\0' + v1 + '\0' + v2,
                k -> Counter.builder(name).tag(t1, v1).tag(t2, v2).register(registry));
    }

    PrometheusMeterRegistry registry() { return registry; }

    /** Drops counted by the rate limiter, read at scrape time. */
    private static final class FunctionCounterSupport {
        static void register(PrometheusMeterRegistry registry, SourceRateLimiter limiter) {
            io.micrometer.core.instrument.FunctionCounter.builder("sipfleet_dispatcher_dropped", limiter,
                    SourceRateLimiter::limited).tag("reason", "rate_limited").register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("sipfleet_dispatcher_dropped", limiter,
                    SourceRateLimiter::tableFull).tag("reason", "table_full").register(registry);
            Gauge.builder("sipfleet_dispatcher_tracked_sources", limiter, SourceRateLimiter::trackedSources)
                    .register(registry);
        }
    }
}
