package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.Via;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Via branches (RFC 3261 8.1.1.7) and To/From tags (19.3) without a SecureRandom or UUID per
 * call: a random per-process prefix (so two nodes, or a restarted node, never collide) followed
 * by a counter in base 36. A branch only has to be unique; a tag should also be hard to guess
 * (19.3), so tags get 32 more random bits from the thread-local generator.
 */
public final class Branches {
    private Branches() {}

    private static final String PREFIX = randomPrefix();
    private static final String BRANCH_PREFIX = Via.MAGIC_COOKIE + PREFIX;
    private static final AtomicLong COUNTER = new AtomicLong();

    private static String randomPrefix() {
        // 50 bits from the OS once at start-up, as 10 base-32 digits
        long r = new SecureRandom().nextLong();
        char[] c = new char[10];
        for (int i = 0; i < c.length; i++, r >>>= 5) c[i] = Character.forDigit((int) (r & 31), 32);
        return new String(c) + '-';
    }

    /** A fresh branch: {@code z9hG4bK}, the node prefix, a counter. Never the same twice in a process. */
    public static String next() {
        return BRANCH_PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
    }

    /** A fresh tag for To (a UAS answering) or From (a UAC starting a dialog). */
    public static String tag() {
        return PREFIX + Long.toString(COUNTER.incrementAndGet(), 36) + '.'
                + Integer.toString(ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE, 36);
    }
}
