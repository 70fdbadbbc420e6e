package io.sipfleet.switching.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The configuration snapshot of one switch: one versioned JSON document per server, with field
 * names equal to the components below. This Javadoc is the reference for every field: meaning,
 * unit (in the name), default ({@link Default}; a field without one is required) and limits.
 * Unknown fields are refused by name, so a typo never silently falls back to a default.
 *
 * <p>Instances made by {@link #parse} and {@link #load} are validated; one built in code is
 * checked with {@link #validate()} (which {@link ConfigHolder#apply} also calls).
 *
 * @param version               snapshot version, >= 0. The control plane increments it on every
 *                              change; a switch refuses a lower version than the one it runs, and
 *                              the same version with different content. Required.
 * @param serverId              this server's name in the fleet, CDRs, metrics and logs: letters,
 *                              digits, '.', '_', '-', at most 64. Cannot change at runtime. Required.
 * @param listen                SIP listen sockets, at least one. Required.
 * @param extraPorts            ports opened in addition on every listen address. Default none.
 * @param cpsLimit              new calls (INVITEs) per second accepted in total, >= 0; 0 = unlimited.
 *                              Default 0.
 * @param channelLimit          concurrent calls carried, >= 0; 0 = unlimited. Default 0.
 * @param capacityFailover      SIP URI that calls refused by cpsLimit or channelLimit are sent to,
 *                              e.g. {@code "sip:127.0.0.3:5060"}; null = answer them with 503.
 *                              Default null.
 * @param keepAlive             pings to registered clients. Default: all {@link KeepAlive} defaults.
 * @param realm                 digest realm challenged, the one every HA1 was computed with.
 *                              Required.
 * @param sipUsers              subscribers allowed to register and call. Default none.
 * @param registrar             registration lifetimes. Default: all {@link Registrar} defaults.
 * @param carrierRoutes         outbound routes by longest number prefix. Default none (calls to
 *                              non-subscribers get 404).
 * @param cdrFile               JSON-lines file CDRs are appended to, reopened on SIGHUP (logrotate);
 *                              null = no CDRs. Default null.
 * @param metricsPort           TCP port of the Prometheus endpoint {@code GET /metrics}, 0..65535;
 *                              0 = any free port (tests). Read at start. Default 9090.
 * @param metricsAddress        IP literal the metrics endpoint binds. Default (null): the first
 *                              listen address.
 * @param sessionTimeoutSeconds seconds after which a call whose BYE never came is released and
 *                              its channel freed, >= 1. Default 7200 (2 h).
 * @param allowedDestinations   CIDR blocks the switch may send SIP to (transport allow-list), at
 *                              least one. A narrow list stops a bad route or a forged Contact from
 *                              turning the switch into a toll-fraud or reflection tool.
 *                              Default {@code ["0.0.0.0/0", "::/0"]} (anywhere).
 * @param authFailure           scanner protection. Default: all {@link AuthFailure} defaults.
 * @param clusterId             cluster this switch belongs to; null = standalone. Default null.
 * @param storeUri              shared state store: {@code "redis://127.0.0.1:6379"} (standalone,
 *                              {@code rediss://} for TLS), {@code "redis-sentinel://h1:26379,h2:26379/0#mymaster"},
 *                              or {@code "redis-cluster://h1:6379,h2:6379"} (Redis Cluster seeds);
 *                              null = none. Default null.
 * @param locationSharingPeers  server ids or host:port of the switches that share registrations
 *                              with this one; in a cluster (clusterId set), the other members as
 *                              {@code "serverId=sip:IP:port"} (e.g. {@code "sw-b=sip:127.0.0.3:5060"}):
 *                              a call for a binding another member owns is forwarded to it, and
 *                              requests from a member's address are trusted (no digest).
 *                              Un-clustered, the location sharing peers in the same form, with
 *                              an optional {@code ;feed=PORT} (default 9090) naming the port of
 *                              the peer's change feed ({@code GET /location/changes}, served on
 *                              its metrics port): {@code "sw-b=sip:127.0.0.3:5060;feed=9090"}.
 *                              Default none.
 * @param locationSharing       "UAC location array sharing" of an un-clustered switch: true
 *                              publishes the changes to the bindings it owns to its peers and pulls
 *                              theirs (a long poll answered at each change, at least every second),
 *                              so a call for a user registered on a peer is
 *                              sent to that peer; false: such a call gets 404. Ignored in a
 *                              cluster (the store is shared). Default false.
 * @param digestAlgorithms      digest algorithms challenged, in the order offered (one
 *                              WWW-/Proxy-Authenticate each): "SHA-256", "MD5". RFC 8760 puts
 *                              SHA-256 first; a UA that only reads the first challenge and only
 *                              knows MD5 (SIPp, older phones) needs ["MD5"] or MD5 first.
 *                              Default ["SHA-256", "MD5"].
 * @param dispatchers           IP addresses of the dispatchers in front of this switch. A request
 *                              they relay is attributed to the client they relayed it for (the
 *                              next Via, which the dispatcher stamped with received/rport), so the
 *                              scanner protection slows and blocks that client, never the
 *                              dispatcher that every client shares. Default none.
 * @param restrictDirect        the brief's "Restrict Direct": accept SIP only from the
 *                              dispatchers, the carrier gateways and the cluster members; anyone
 *                              else gets 403. Default false.
 * @param nonceSecret           key of the digest nonces, hex, 32..128 digits (16..64 bytes). Give
 *                              every switch of a cluster the same one: behind a round-robin
 *                              dispatcher the request answering a 401/407 often reaches another
 *                              member than the one that challenged, which must accept the nonce.
 *                              null = a random key per process (nonces are good only on this
 *                              switch, and only until it restarts). Default null.
 * @param serviceState          whether the control plane lets this server take calls:
 *                              {@code "active"}, or {@code "expired"} (test period over) /
 *                              {@code "suspended"} (the account ran out of credit), when new calls
 *                              (INVITE outside a dialog) are answered 503 with the state as reason;
 *                              calls in progress, registrations and pings carry on, so phones stay
 *                              registered for when the server is reactivated. Default "active".
 * @param clustering            a cluster member's store-down mode, own channel cap, capacity
 *                              failover and lease TTL. Default: all {@link Clustering} defaults.
 * @param upstreamRegistrations the brief's "UAC auth": registrars (carriers, providers) this
 *                              switch registers to as a user agent, with digest credentials;
 *                              see {@link UpstreamRegistration}. A request from a registrar's
 *                              address is trusted like a carrier gateway's (no digest challenge,
 *                              let in by restrictDirect). Default none.
 * @param transactionLingerSeconds how long a transaction that has done its work is kept only to
 *                              absorb retransmissions (RFC 3261 Timers J and D over UDP, RFC 6026
 *                              Timers L and M), 1..32. 32 is the RFC's 64*T1. Kamailio's and
 *                              OpenSIPS's tm keep them 5 s by default (wt_timer): with 5, a BYE
 *                              whose 200 was lost for more than 5 s is forwarded again (the
 *                              callee answers it from its own transaction), and a switch at N
 *                              calls/s keeps N*5 finished transactions instead of N*32 for its
 *                              garbage collector to trace and copy (a third of the collector's CPU
 *                              per call at 2,000 calls/s, bench/RESULTS.md switch run 13). Read at
 *                              start: a reload that changes it is refused. Default 32.
 */
public record SwitchConfig(
        long version,
        String serverId,
        List<Listen> listen,
        @Default("{}") ExtraPorts extraPorts,
        @Default("0") int cpsLimit,
        @Default("0") int channelLimit,
        @Default("null") String capacityFailover,
        @Default("{}") KeepAlive keepAlive,
        String realm,
        @Default("[]") List<SipUser> sipUsers,
        @Default("{}") Registrar registrar,
        @Default("[]") List<CarrierRoute> carrierRoutes,
        @Default("null") String cdrFile,
        @Default("9090") int metricsPort,
        @Default("null") String metricsAddress,
        @Default("7200") int sessionTimeoutSeconds,
        @Default("[\"0.0.0.0/0\", \"::/0\"]") List<String> allowedDestinations,
        @Default("{}") AuthFailure authFailure,
        @Default("null") String clusterId,
        @Default("null") String storeUri,
        @Default("[]") List<String> locationSharingPeers,
        @Default("false") boolean locationSharing,
        @Default("[\"SHA-256\", \"MD5\"]") List<String> digestAlgorithms,
        @Default("[]") List<String> dispatchers,
        @Default("false") boolean restrictDirect,
        @Default("null") String nonceSecret,
        @Default("\"active\"") String serviceState,
        @Default("{}") Clustering clustering,
        @Default("[]") List<UpstreamRegistration> upstreamRegistrations,
        @Default("32") int transactionLingerSeconds) {

    /** The serviceState values: the switch takes new calls only when active. */
    public static final java.util.Set<String> SERVICE_STATES = java.util.Set.of("active", "expired", "suspended");

    /** True when new calls are refused because the server expired or was suspended. */
    public boolean callsStopped() {
        return !"active".equals(serviceState);
    }


    public SwitchConfig {
        listen = listen == null ? null : List.copyOf(listen);
        sipUsers = sipUsers == null ? null : List.copyOf(sipUsers);
        carrierRoutes = carrierRoutes == null ? null : List.copyOf(carrierRoutes);
        allowedDestinations = allowedDestinations == null ? null : List.copyOf(allowedDestinations);
        locationSharingPeers = locationSharingPeers == null ? null : List.copyOf(locationSharingPeers);
        digestAlgorithms = digestAlgorithms == null ? null : List.copyOf(digestAlgorithms);
        dispatchers = dispatchers == null ? null : List.copyOf(dispatchers);
        upstreamRegistrations = upstreamRegistrations == null ? null : List.copyOf(upstreamRegistrations);
        // Resolved here, not at use, so toJson() and the logs show the address actually bound.
        if (metricsAddress == null && listen != null && !listen.isEmpty() && listen.get(0) != null) {
            metricsAddress = listen.get(0).address();
        }
    }

    /** Parses and validates a snapshot; the exception names every bad field by its JSON path. */
    public static SwitchConfig parse(String json) throws ConfigException {
        SwitchConfig config = ConfigJson.read(json, SwitchConfig.class);
        config.validate();
        return config;
    }

    /** Reads, parses and validates the snapshot in {@code file} (UTF-8). */
    public static SwitchConfig load(Path file) throws ConfigException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
        try {
            return parse(json);
        } catch (ConfigException e) {
            // Name the file: at 3 a.m. there may be several configs on the host.
            throw e.withSource(file.toAbsolutePath().toString());
        }
    }

    /** Throws if any field is out of range or inconsistent; the message names them all. */
    public void validate() throws ConfigException {
        ConfigValidator.validate(this);
    }

    /** The snapshot as pretty-printed JSON, every field written out (defaults included). */
    public String toJson() {
        return ConfigJson.write(this);
    }

    /** The CDR file, if CDRs are on. */
    public Optional<Path> cdrPath() {
        return Optional.ofNullable(cdrFile).map(Path::of);
    }

    /** The routes as a longest-prefix lookup table. */
    public CarrierRoutes routeTable() {
        return CarrierRoutes.of(carrierRoutes);
    }

    /** The nonce key's bytes, or null when none is configured. */
    public byte[] nonceSecretBytes() {
        return nonceSecret == null ? null : java.util.HexFormat.of().parseHex(nonceSecret);
    }

    /** A copy with another version: what a control plane does before pushing an edited snapshot. */
    public SwitchConfig withVersion(long newVersion) {
        return new SwitchConfig(newVersion, serverId, listen, extraPorts, cpsLimit, channelLimit,
                capacityFailover, keepAlive, realm, sipUsers, registrar, carrierRoutes, cdrFile,
                metricsPort, metricsAddress, sessionTimeoutSeconds, allowedDestinations, authFailure,
                clusterId, storeUri, locationSharingPeers, locationSharing, digestAlgorithms,
                dispatchers, restrictDirect, nonceSecret, serviceState, clustering, upstreamRegistrations,
                transactionLingerSeconds);
    }
}
