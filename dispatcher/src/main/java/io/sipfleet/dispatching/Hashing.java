package io.sipfleet.dispatching;

import java.nio.charset.StandardCharsets;

/** Small, stable 64-bit hashes (same result on every JVM and every dispatcher of a cluster). */
final class Hashing {
    private Hashing() {}

    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** MurmurHash3's finalizer: spreads the bits of {@code x}. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }
}
