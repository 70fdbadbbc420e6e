package io.sipfleet.sip.transport;

import java.util.concurrent.ThreadLocalRandom;

/** Tags for the To header of responses a node creates (RFC 3261 19.3: at least 32 random bits). */
public final class Tags {
    private Tags() {}

    /** 64 random bits in hex: unique enough, and cheap on the event loop (no SecureRandom lock). */
    public static String next() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 63);
    }
}
