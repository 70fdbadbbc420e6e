package io.sipfleet.sip.proxy;

import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ServerTransaction;
import java.time.Duration;
import java.util.function.IntPredicate;

/**
 * What {@link StatefulProxy#forwardSerial} asks while it tries candidates one after the other
 * (serial forking, RFC 3261 16.6 / 16.7 step 4): which final responses mean "try the next one",
 * which 3xx it follows itself, what the caller gets when every candidate failed, and how long a
 * candidate may stay silent. Called on event loops and the timer thread, under the proxy's
 * per-request lock: implementations must be quick and must not block.
 */
public interface SerialPolicy {

    /**
     * True when {@code response} (a final >= 300; a made-up 408 for a timeout or a silent
     * candidate) from {@code target} means the request goes on to the next candidate.
     */
    boolean failover(SipResponse response, Target target);

    /**
     * A 3xx from {@code target}: the target the proxy follows it to itself (e.g. a redirect to
     * another server of the same pool), or null to treat the 3xx like any other final.
     */
    default Target redirect(SipResponse response, Target target) { return null; }

    /**
     * The final response the caller gets when every candidate failed over (sent as is, not
     * mapped), or null for the best of the failures (RFC 3261 16.7 step 6; a 503 goes as 500).
     */
    default SipResponse exhausted(ServerTransaction tx, SipResponse last) { return null; }

    /**
     * A candidate that sends nothing at all (not even 100 Trying) for this long is given up as if
     * it answered 408, and the next one is tried: Timer B (32 s) is far too long for a dead
     * server. Late answers from it are ignored (a late 2xx is still relayed, 16.7 step 5).
     * Zero: wait for the transaction's own timeout.
     */
    default Duration noAnswerTimeout() { return Duration.ZERO; }

    /** Fail over on the final status codes {@code codes} accepts (408 included for timeouts). */
    static SerialPolicy onCodes(IntPredicate codes) {
        return (response, target) -> codes.test(response.statusCode());
    }
}
