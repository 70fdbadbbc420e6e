package io.sipfleet.cluster.limits;

import java.time.Duration;
import java.util.function.LongSupplier;

/** The {@link CallAdmissionContract} for {@link CallAdmission#of} on the in-memory limiters. */
class InMemoryCallAdmissionTest extends CallAdmissionContract {
    @Override
    void create(LongSupplier millis, Duration ttl) {
        channels = new InMemoryChannelCounter(millis, ttl);
        admission = CallAdmission.of(new InMemoryCpsLimiter(millis), channels);
    }
}
