package io.sipfleet.switching.keepalive;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per revolution of the wheel (= per interval) instead of one per ping: what was
 * sent, answered, missed and lost in the round just finished. INFO when something was lost or
 * failed, DEBUG otherwise, so a quiet night stays quiet and a NAT box dying at 3 a.m. shows up as
 * a handful of lines with counts (the first lost bindings of a round by name, the rest counted).
 */
final class RoundLog {
    private static final Logger log = LoggerFactory.getLogger(KeepAliveScheduler.class);

    private final AtomicInteger lostLogged = new AtomicInteger(); // reset by the tick, bumped by callbacks
    // Keep-alive thread only.
    private boolean failureLogged;
    private long rounds;
    private KeepAliveStats prev;

    void roundStarted(KeepAliveStats now, KeepAliveSettings settings) {
        if (rounds++ > 0 && prev != null) {
            long lost = now.lost() - prev.lost(), failures = now.failures() - prev.failures();
            String format = "keep-alive round ({}): {} bindings, {} pings sent, {} answered, {} unanswered, "
                    + "{} bindings lost, {} send failures, {} in flight";
            Object[] args = {settings, now.tracked(), now.sent() - prev.sent(), now.answered() - prev.answered(),
                    now.unanswered() - prev.unanswered(), lost, failures, now.inFlight()};
            if (lost > 0 || failures > 0) log.info(format, args);
            else log.debug(format, args);
        }
        prev = now;
        lostLogged.set(0);
        failureLogged = false;
    }

    /** True for the first {@code max} lost bindings of the round: those are logged by name at INFO. */
    boolean logLost(int max) { return lostLogged.incrementAndGet() <= max; }

    /** True for the first send failure of the round (logged with its stack trace). */
    boolean firstFailure() {
        if (failureLogged) return false;
        failureLogged = true;
        return true;
    }
}
