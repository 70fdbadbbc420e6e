package io.sipfleet.sip.proxy;

import io.sipfleet.sip.message.SipResponse;

/**
 * RFC 3261 16.7 step 6: which final response a forking proxy sends upstream when no branch
 * answered 2xx. A 6xx wins at once; otherwise the lowest class of 3xx..5xx, where a 503 counts
 * as a 500 (16.7 step 6: "the proxy SHOULD NOT forward a 503", so it is mapped to 500 when sent).
 */
final class ResponseSelection {
    private ResponseSelection() {}

    /** True when {@code candidate} should replace {@code best}. */
    static boolean better(SipResponse candidate, SipResponse best) {
        if (best == null) return true;
        int c = candidate.statusCode(), b = best.statusCode();
        if (b >= 600) return false;
        if (c >= 600) return true;
        return c / 100 < b / 100;
    }
}
