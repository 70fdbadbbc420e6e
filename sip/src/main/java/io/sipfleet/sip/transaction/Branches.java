package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.Via;
import java.nio.charset.StandardCharsets;
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
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BRANCH_PREFIX_BYTES = BRANCH_PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

    private static String randomPrefix() {
        // 50 bits from the OS once at start-up, as 10 base-32 digits
        long r = new SecureRandom().nextLong();
        char[] c = new char[10];
        for (int i = 0; i < c.length; i++, r >>>= 5) c[i] = Character.forDigit((int) (r & 31), 32);
        return new String(c) + '-';
    }

    /** A fresh branch: {@code z9hG4bK}, the node prefix, a counter. Never the same twice in a process. */
    public static String next() {
        return render(BRANCH_PREFIX_BYTES, COUNTER.incrementAndGet(), -1);
    }

    /** A fresh tag for To (a UAS answering) or From (a UAC starting a dialog). */
    public static String tag() {
        return render(PREFIX_BYTES, COUNTER.incrementAndGet(), ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE);
    }

    /**
     * {@code prefix}, {@code n} in base 36 and, when {@code suffix >= 0}, '.' and {@code suffix} in
     * base 36 (what {@code Long.toString(v, 36)} spells), written into one array: every forwarded
     * request takes a branch and every answered transaction a tag, and the concatenation of two
     * number strings was three strings per value. {@code n} must not be negative.
     */
    static String render(byte[] prefix, long n, int suffix) {
        int nd = digits(n), end = prefix.length + nd;
        byte[] b = new byte[end + (suffix < 0 ? 0 : 1 + digits(suffix))];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        write(b, end, n);
        if (suffix >= 0) {
            b[end] = '.';
            write(b, b.length, suffix);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static int digits(long v) {
        int d = 1;
        while (v >= 36) {
            v /= 36;
            d++;
        }
        return d;
    }

    /** Writes {@code v} in base 36 so that its last digit is at {@code end - 1}. */
    private static void write(byte[] b, int end, long v) {
        do {
            b[--end] = DIGITS[(int) (v % 36)];
            v /= 36;
        } while (v > 0);
    }
}
