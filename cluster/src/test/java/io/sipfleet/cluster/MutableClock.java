package io.sipfleet.cluster;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand: no sleeping, time passes when the test says so. */
public final class MutableClock extends Clock {
    private final AtomicLong millis;

    public MutableClock(long startMillis) { this.millis = new AtomicLong(startMillis); }

    public long millis() { return millis.get(); }

    public void set(long m) { millis.set(m); }

    public void advance(long deltaMillis) { millis.addAndGet(deltaMillis); }

    @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }
}
