package io.sipfleet.switching.config;

/**
 * Pings the switch sends to registered clients (the "UAC ping"), to keep their NAT bindings
 * open and to drop the bindings of clients that went away without unregistering.
 *
 * @param mode            {@code "crlf"} or {@code "options"} (see {@link KeepAliveMode}).
 *                        Default {@code "options"}: it is the one that detects dead UDP clients.
 * @param intervalSeconds seconds between two pings to one binding, >= 1. Default 30, which is
 *                        below the 60 s UDP timeout of most consumer NATs.
 * @param lostPingLimit   unanswered pings in a row after which the binding is removed, >= 1.
 *                        Default 3.
 * @param disabled        true turns pinging off entirely ("Disable UAC Ping"). Default false.
 */
public record KeepAlive(
        @Default("\"options\"") KeepAliveMode mode,
        @Default("30") int intervalSeconds,
        @Default("3") int lostPingLimit,
        @Default("false") boolean disabled) {
}
