package io.sipfleet.dispatching;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The configuration snapshot of one dispatcher (JSON, same conventions as the switch's: one
 * versioned document, unknown fields refused by name, defaults filled in here).
 *
 * @param version          snapshot version, >= 0. Required.
 * @param serverId         name in logs and metrics: letters, digits, '.', '_', '-'. Required.
 * @param listen           SIP listen sockets, at least one. Required.
 * @param destinations     the switches requests are spread over, at least one. Required.
 * @param algorithm        how an INVITE picks its switch: "round-robin" (default), "weighted",
 *                         "call-id-hash", "aor-hash" or "least-loaded" (the switch with the most
 *                         headroom by the {@code X-Load} header of its probe answers, see
 *                         {@link LoadReport}). Requests forwarded statelessly (everything but
 *                         INVITE) go by hash whatever this says, so a retransmission reaches the
 *                         same switch: REGISTER by AoR (refreshes land where the binding is),
 *                         the rest by Call-ID.
 * @param probe            OPTIONS health probing. Default: all {@link Probe} defaults.
 * @param failoverCodes    final responses from a switch that make an initial request go on to
 *                         the next switch (a timeout always does). Default [408, 500, 503].
 * @param noAnswerMillis   a switch sending nothing at all (not even 100 Trying) for this long
 *                         is given up for that request and the next one tried, >= 100.
 *                         Default 2000.
 * @param maxSourceRate    requests per second accepted from one source IP (pike); over it
 *                         they are dropped and counted. Switches are exempt. 0 = no limit.
 *                         Default 200.
 * @param metricsPort      TCP port of {@code GET /metrics} and {@code GET /status}; 0 = free
 *                         port (tests). Default 9190.
 * @param metricsAddress   IP the metrics endpoint binds. Default (null): the first listen address.
 * @param allowedDestinations CIDR blocks the dispatcher may send SIP to. Default anywhere.
 * @param recordRoute      true: the dispatcher Record-Routes dialog-creating requests from
 *                         outside (INVITE, SUBSCRIBE, REFER), so the rest of the dialog comes
 *                         back through it and reaches a caller behind NAT through its flow.
 *                         Needed when the switches restrict direct access or callers are behind
 *                         NAT; false lets in-dialog requests go straight between the caller and
 *                         the switch (less work here). REGISTERs always get a Path. Default true.
 * @param serviceState     whether the control plane lets this server take calls: "active"
 *                         (default), or "expired" / "suspended" (test period over, or the
 *                         account out of credit): new INVITEs from outside get 503 "Service
 *                         Expired" / "Service Suspended", as the switch answers them;
 *                         registrations and dialogs in progress go on.
 * @param transactionLingerSeconds how long a finished INVITE transaction is kept only to absorb
 *                         retransmissions (RFC 6026 Timers L and M, RFC 3261 D), 1..32: as the
 *                         switch's setting of the same name. 32 (the RFC's 64*T1) by default;
 *                         Kamailio's tm keeps them 5 s (wt_timer). Read at start: a reload
 *                         that changes it is refused.
 * @param whenAllDown      what new requests get while the probes have every switch marked down:
 *                         "try-all" (default) sends them to the switches anyway, in the
 *                         algorithm's order with the usual failover, as if all were up (Envoy's
 *                         "panic routing"): probes fail together when the switches are
 *                         overloaded or only their probe path is broken, and refusing every call
 *                         then turns a slow cluster into a dead one. "refuse": 503 "No Switch
 *                         Available" at once, for a carrier who would rather have the caller's
 *                         own routing try another provider than wait {@code noAnswerMillis} per
 *                         switch.
 */
public record DispatcherConfig(
        long version,
        String serverId,
        List<Listen> listen,
        List<Destination> destinations,
        String algorithm,
        Probe probe,
        List<Integer> failoverCodes,
        Integer noAnswerMillis,
        Integer maxSourceRate,
        Integer metricsPort,
        String metricsAddress,
        List<String> allowedDestinations,
        Boolean recordRoute,
        String serviceState,
        Integer transactionLingerSeconds,
        String whenAllDown) {

    /** The serviceState values, as in the switch's snapshot: only "active" takes new calls. */
    public static final java.util.Set<String> SERVICE_STATES = java.util.Set.of("active", "expired", "suspended");

    /** The whenAllDown values. */
    public static final java.util.Set<String> WHEN_ALL_DOWN = java.util.Set.of("try-all", "refuse");

    /**
     * A listen socket; transports "udp" and/or "tcp" (default ["udp"]) for phones and carriers.
     * The switches are always reached over UDP.
     */
    public record Listen(String address, Integer port, List<String> transports) {
        public Listen {
            if (port == null) port = 5060;
            transports = transports == null ? List.of("udp") : List.copyOf(transports);
        }
    }

    /** A switch: {@code uri} like "sip:127.0.0.2:5060" (IP literal), {@code weight} >= 1 (default 1). */
    public record Destination(String uri, Integer weight) {
        public Destination {
            if (weight == null) weight = 1;
        }
    }

    /**
     * OPTIONS health probing. A dead switch is out within two intervals: a probe that gets no
     * answer within {@code timeoutMillis} fails, and while a switch is up each failure is
     * followed at once by the next probe (not by the next round), so {@code failuresToDown}
     * failures take {@code failuresToDown × timeoutMillis}, which must fit in one interval. A
     * switch that stops answering INVITEs is probed at once too. A down switch is probed once
     * per interval and is back after {@code successesToUp} answered rounds.
     *
     * @param intervalSeconds  seconds between probe rounds, >= 1. Default 5.
     * @param failuresToDown   consecutive failed probes that take a switch out, >= 1. Default 3.
     * @param successesToUp    consecutive answered probes that put it back, >= 1. Default 2.
     * @param timeoutMillis    a probe unanswered this long has failed, >= 50, with
     *                         {@code failuresToDown × timeoutMillis <= intervalSeconds × 1000}.
     *                         Default min(1000, intervalSeconds × 1000 / (failuresToDown + 1)).
     */
    public record Probe(Integer intervalSeconds, Integer failuresToDown, Integer successesToUp, Integer timeoutMillis) {
        public Probe {
            if (intervalSeconds == null) intervalSeconds = 5;
            if (failuresToDown == null) failuresToDown = 3;
            if (successesToUp == null) successesToUp = 2;
            if (timeoutMillis == null) {
                // (N + 1): N failures then take at most N/(N+1) of an interval, leaving slack for
                // scheduling on a busy host inside the two-interval promise
                timeoutMillis = failuresToDown > 0 && intervalSeconds > 0
                        ? (int) Math.min(1000L, intervalSeconds * 1000L / (failuresToDown + 1)) : 1000;
            }
        }
    }

    public DispatcherConfig {
        listen = listen == null ? null : List.copyOf(listen);
        destinations = destinations == null ? null : List.copyOf(destinations);
        if (algorithm == null) algorithm = "round-robin";
        if (probe == null) probe = new Probe(null, null, null, null);
        failoverCodes = failoverCodes == null ? List.of(408, 500, 503) : List.copyOf(failoverCodes);
        if (noAnswerMillis == null) noAnswerMillis = 2000;
        if (maxSourceRate == null) maxSourceRate = 200;
        if (metricsPort == null) metricsPort = 9190;
        if (metricsAddress == null && listen != null && !listen.isEmpty() && listen.get(0) != null) {
            metricsAddress = listen.get(0).address();
        }
        allowedDestinations = allowedDestinations == null ? List.of("0.0.0.0/0", "::/0") : List.copyOf(allowedDestinations);
        if (recordRoute == null) recordRoute = true;
        if (serviceState == null) serviceState = "active";
        if (transactionLingerSeconds == null) transactionLingerSeconds = 32;
        if (whenAllDown == null) whenAllDown = "try-all";
    }

    /** Parses and validates; the exception names the field ({@code destinations[1].uri}). */
    public static DispatcherConfig parse(String json) throws DispatcherConfigException {
        DispatcherConfig c = DispatcherConfigJson.read(json);
        DispatcherConfigValidator.validate(c);
        return c;
    }

    public static DispatcherConfig load(Path file) throws DispatcherConfigException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DispatcherConfigException(file + ": cannot read: " + e.getMessage());
        }
        try {
            return parse(json);
        } catch (DispatcherConfigException e) {
            throw new DispatcherConfigException(file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    public Algorithm algorithmValue() { return Algorithm.fromName(algorithm); }
}
