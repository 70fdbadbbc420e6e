package io.sipfleet.switching.cdr;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One call detail record: a JSON object per line of the CDR file, written when the call ends.
 * Times are UTC ISO-8601 with millisecond precision. Build one with {@link #builder()}, which
 * computes the two durations so every writer computes them the same way.
 *
 * @param callId         Call-ID of the caller's INVITE
 * @param from           caller AoR (From URI without parameters)
 * @param to             callee AoR (To URI without parameters)
 * @param ruri           Request-URI of the INVITE as received
 * @param source         caller's source address, {@code ip:port} ({@code [v6]:port} for IPv6)
 * @param route          where the call went: the callee's AoR for a subscriber, else the
 *                       carrier route name; null if it was refused before routing
 * @param gateway        carrier gateway URI the call was sent to, null for subscriber calls
 * @param startTime      INVITE received
 * @param answerTime     200 OK to the INVITE, null if never answered
 * @param endTime        call released (BYE, CANCEL, final failure, timeout)
 * @param durationMillis billable time, answerTime to endTime; 0 if never answered
 * @param setupMillis    startTime to answerTime, or to endTime if never answered
 * @param finalStatus    final SIP status of the INVITE (200 if answered)
 * @param endReason      why it ended, one of the {@link EndReason} strings
 * @param serverId       switch that wrote the record
 */
public record Cdr(
        String callId,
        String from,
        String to,
        String ruri,
        String source,
        String route,
        String gateway,
        Instant startTime,
        Instant answerTime,
        Instant endTime,
        long durationMillis,
        long setupMillis,
        int finalStatus,
        String endReason,
        String serverId) {

    public Cdr {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(endReason, "endReason");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code ip:port}, IPv6 in brackets: the form SIP Via received/rport readers expect. */
    static String hostPort(InetSocketAddress a) {
        String ip = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /** Collects a call's facts as they happen; {@link #build()} derives the durations. */
    public static final class Builder {
        private String callId, from, to, ruri, source, route, gateway, endReason, serverId;
        private Instant startTime, answerTime, endTime;
        private int finalStatus;

        private Builder() {}

        public Builder callId(String v) { callId = v; return this; }
        public Builder from(String v) { from = v; return this; }
        public Builder to(String v) { to = v; return this; }
        public Builder ruri(String v) { ruri = v; return this; }
        public Builder source(String v) { source = v; return this; }
        public Builder source(InetSocketAddress v) { source = hostPort(v); return this; }
        public Builder route(String v) { route = v; return this; }
        public Builder gateway(String v) { gateway = v; return this; }
        public Builder startTime(Instant v) { startTime = v; return this; }
        public Builder answerTime(Instant v) { answerTime = v; return this; }
        public Builder endTime(Instant v) { endTime = v; return this; }
        public Builder finalStatus(int v) { finalStatus = v; return this; }
        public Builder endReason(String v) { endReason = v; return this; }
        public Builder serverId(String v) { serverId = v; return this; }

        public Cdr build() {
            Instant start = millis(Objects.requireNonNull(startTime, "startTime"));
            Instant end = millis(Objects.requireNonNull(endTime, "endTime"));
            Instant answer = answerTime == null ? null : millis(answerTime);
            // Clock steps (NTP) can put end before answer: a negative bill helps nobody.
            long duration = answer == null ? 0 : Math.max(0, Duration.between(answer, end).toMillis());
            long setup = Math.max(0, Duration.between(start, answer != null ? answer : end).toMillis());
            return new Cdr(callId, from, to, ruri, source, route, gateway, start, answer, end,
                    duration, setup, finalStatus, endReason, serverId);
        }

        private static Instant millis(Instant t) {
            return t.truncatedTo(ChronoUnit.MILLIS);
        }
    }
}
