package io.sipfleet.switching.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of one metric, one per value of one tag, made on first use and then found with a
 * single map lookup (no tag objects built per increment on the SIP path).
 *
 * <p>The number of values is capped: a tag value that comes from traffic (a method name in a
 * malformed request, say) must not grow Prometheus without bound. Past the cap, new values are
 * counted as {@value #OTHER} and a warning says which metric overflowed.
 */
final class TaggedCounters {

    static final String OTHER = "other";
    static final int MAX_VALUES = 64;
    private static final Logger log = LoggerFactory.getLogger(TaggedCounters.class);

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Tags fixed;
    private final String tagKey;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicBoolean overflowLogged = new AtomicBoolean();

    TaggedCounters(MeterRegistry registry, String name, String description, Tags fixed, String tagKey) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.fixed = fixed;
        this.tagKey = tagKey;
    }

    /** The counter for {@code value}, or for {@value #OTHER} once the cap is reached. */
    Counter get(String value) {
        Counter c = counters.get(value);
        if (c != null) {
            return c;
        }
        if (value == null || value.isEmpty()) {
            value = "unknown";
        } else if (counters.size() >= MAX_VALUES && !counters.containsKey(value)) {
            if (overflowLogged.compareAndSet(false, true)) {
                log.warn("metric {} has {} distinct {} values; counting new ones (first: '{}') as '{}'",
                        name, MAX_VALUES, tagKey, value, OTHER);
            }
            value = OTHER;
        }
        return counters.computeIfAbsent(value, v -> Counter.builder(name).description(description)
                .tags(fixed).tag(tagKey, v).register(registry));
    }

    /** Registers the counters for values known in advance, so they show as 0 before any traffic. */
    void preregister(String... values) {
        for (String v : values) {
            get(v);
        }
    }
}
