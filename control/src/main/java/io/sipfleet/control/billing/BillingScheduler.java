package io.sipfleet.control.billing;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@link BillingService#run()} now and then every {@code every}, until closed. */
public final class BillingScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BillingScheduler.class);
    private final ScheduledExecutorService timer;

    private BillingScheduler(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public static BillingScheduler start(BillingService billing, Duration every) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sipfleet-billing").daemon(true).factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                billing.run();
            } catch (RuntimeException e) {
                // Keep the schedule alive: a database blip must not end billing for good.
                LOG.error("billing run failed; retrying in {}", every, e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return new BillingScheduler(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
