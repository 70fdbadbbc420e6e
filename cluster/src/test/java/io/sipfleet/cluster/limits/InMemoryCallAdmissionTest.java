package io.sipfleet.cluster.limits;

import java.time.Duration;
import java.util.function.LongSupplier;

/** The {@link CallAdmissionContract} for {@link CallAdmission#of} on the in-memory limiters. */
class InMemoryCallAdmissionTest extends CallAdmissionContract {
    @Override
    void create(LongSupplier millis, Duration ttl) {
        channels = new InMemoryChannelCounter(millis, ttl);
        admission = CallAdmission.of(new InMemoryCpsLimiter(millis), channels);
        location = new io.sipfleet.cluster.location.InMemoryLocationStore(new java.time.Clock() {
            @Override public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(millis.getAsLong()); }
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId zone) { throw new UnsupportedOperationException(); }
        });
    }
}
