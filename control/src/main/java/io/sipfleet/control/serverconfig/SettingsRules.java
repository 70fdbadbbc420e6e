package io.sipfleet.control.serverconfig;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.cluster.ClusterService;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerDao;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Every rule of a server's config, checked on the merged result (what would be stored) so each
 * bad combination is refused by name before anything is written. Returns the normalised config.
 */
final class SettingsRules {

    static final int MAX_UAC_REGISTRATIONS = 20;
    static final int MAX_EXTRA_PORTS = 10;
    static final int SIP_PORT = 5060;
    static final int SIPS_PORT = 5061;
    private static final Pattern LABEL = Pattern.compile("(?!-)[a-z0-9-]{1,63}(?<!-)");
    private static final Pattern REGISTRAR =
            Pattern.compile("sips?:(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?(?:;[A-Za-z0-9=;._-]*)?");
    private static final Pattern SIP_USER = Pattern.compile("[A-Za-z0-9._+!~*'()&=$,;?/%-]{1,64}");
    private static final Pattern HOST_PORT = Pattern.compile("(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]):([0-9]{1,5})");

    private SettingsRules() {
    }

    static ServerSettings check(Handle h, Server server, ServerSettings s, String zoneRegion, Instant now) {
        String fqdn = fqdn(s.fqdn());
        Long clusterId = s.clusterId();
        if (clusterId != null) {
            ClusterService.get(h, server.accountId(), clusterId); // 404 for another account's cluster
        }
        boolean tls = required("tls", s.tls());
        boolean webrtc = required("webrtc", s.webrtc());
        if (tls || webrtc) {
            String field = tls ? "tls" : "webrtc";
            if (fqdn == null) {
                throw new InvalidInputException(field, "needs fqdn set first (the certificate must name the server)");
            }
            requireServerCertificate(h, server, field, fqdn, now);
        }
        boolean tcpTrace = required("tcp_sip_trace", s.tcpSipTrace());
        String collector = collector(s.traceCollector());
        if (tcpTrace && collector == null) {
            throw new InvalidInputException("tcp_sip_trace", "needs trace_collector (host:port of the HEP collector)");
        }
        boolean sharing = required("uac_location_sharing", s.uacLocationSharing());
        if (sharing && clusterId != null) {
            throw new InvalidInputException("uac_location_sharing", "the server is in cluster " + clusterId
                    + ", whose members already share registrations; location sharing is for servers outside a cluster");
        }
        boolean restrict = required("restrict_direct", s.restrictDirect());
        if (restrict && Server.SWITCH.equals(server.type()) && dispatchersInFront(h, server, clusterId).isEmpty()) {
            throw new InvalidInputException("restrict_direct", "no dispatcher of this account is in front of the switch"
                    + (clusterId == null ? "" : " (none in cluster " + clusterId + ")")
                    + ": with it on, nobody but carriers could reach the switch; deploy a dispatcher first");
        }
        List<Integer> udp = ports("extra_udp_ports", s.extraUdpPorts(), SIP_PORT);
        List<Integer> tcp = ports("extra_tcp_ports", s.extraTcpPorts(), SIP_PORT);
        List<Integer> tlsPorts = ports("extra_tls_ports", s.extraTlsPorts(), SIPS_PORT);
        if (!tlsPorts.isEmpty() && !tls) {
            throw new InvalidInputException("extra_tls_ports", "need tls enabled");
        }
        Long failover = failover(h, server, clusterId, s.capacityFailoverServerId());
        if (!Objects.equals(clusterId, server.clusterId())) {
            List<Long> sources = h.attach(ServerSettingsDao.class).failoverSources(server.accountId(), server.id());
            if (!sources.isEmpty()) {
                throw new InvalidInputException("cluster_id", "server(s) " + sources + " use this server as their "
                        + "capacity failover target, which must stay in their cluster; change them first");
            }
        }
        return new ServerSettings(fqdn, clusterId, required("interconnect", s.interconnect()),
                registrations(s.uacRegistrations()), webrtc, tls, required("auto_upgrade", s.autoUpgrade()),
                required("disable_uac_ping", s.disableUacPing()), sharing, required("tls_internals", s.tlsInternals()),
                restrict, tcpTrace, collector, region(s.region(), zoneRegion), udp, tcp, tlsPorts, failover);
    }

    private static boolean required(String field, Boolean value) {
        if (value == null) {
            throw new InvalidInputException(field, "must be true or false, not null");
        }
        return value;
    }

    static String fqdn(String raw) {
        if (raw == null) {
            return null;
        }
        String f = raw.strip().toLowerCase(Locale.ROOT);
        if (f.endsWith(".")) {
            f = f.substring(0, f.length() - 1);
        }
        String[] labels = f.split("\\.", -1);
        boolean ok = f.length() <= 253 && labels.length >= 2 && !labels[labels.length - 1].matches("[0-9]+");
        for (String l : labels) {
            ok &= LABEL.matcher(l).matches();
        }
        if (!ok) {
            throw new InvalidInputException("fqdn", "must be a fully qualified domain name like sip.example.com, was '"
                    + cut(raw) + "'");
        }
        return f;
    }

    private static void requireServerCertificate(Handle h, Server server, String field, String fqdn, Instant now) {
        Optional<CertRow> cert = h.createQuery("""
                        SELECT c.name, c.sans, c.not_after FROM server_certificate sc
                          JOIN certificate c ON c.id = sc.certificate_id
                         WHERE sc.server_id = :id AND sc.kind = 'server'""")
                .bind("id", server.id())
                .map((rs, ctx) -> new CertRow(rs.getString("name"), rs.getString("sans"),
                        rs.getObject("not_after", java.time.OffsetDateTime.class).toInstant()))
                .findOne();
        if (cert.isEmpty()) {
            throw new InvalidInputException(field, "needs a server certificate attached to the server "
                    + "(POST /api/servers/" + server.id() + "/certificates with kind \"server\")");
        }
        CertRow c = cert.get();
        if (!c.notAfter().isAfter(now)) {
            throw new InvalidInputException(field, "the attached server certificate '" + c.name() + "' expired at "
                    + c.notAfter());
        }
        List<String> names = c.sans().isEmpty() ? List.of() : List.of(c.sans().split(","));
        if (names.stream().noneMatch(n -> covers(n, fqdn))) {
            throw new InvalidInputException(field, "the attached server certificate '" + c.name() + "' does not cover fqdn "
                    + fqdn + " (it names " + (names.isEmpty() ? "nothing" : String.join(", ", names)) + ")");
        }
    }

    private record CertRow(String name, String sans, Instant notAfter) {
    }

    /** RFC 6125 6.4.3: a wildcard stands for exactly one left-most label. */
    static boolean covers(String san, String fqdn) {
        String n = san.toLowerCase(Locale.ROOT);
        if (n.startsWith("*.")) {
            int dot = fqdn.indexOf('.');
            return dot > 0 && fqdn.substring(dot + 1).equals(n.substring(2));
        }
        return n.equals(fqdn);
    }

    private static String collector(String raw) {
        if (raw == null) {
            return null;
        }
        String c = raw.strip();
        var m = HOST_PORT.matcher(c);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
            throw new InvalidInputException("trace_collector", "must be host:port of a HEP collector, like "
                    + "homer.example.com:9060, was '" + cut(raw) + "'");
        }
        return c;
    }

    private static String region(String raw, String zoneRegion) {
        if (raw == null) {
            return zoneRegion;
        }
        String r = raw.strip().toUpperCase(Locale.ROOT);
        if (!r.equals("US") && !r.equals("EU")) {
            throw new InvalidInputException("region", "must be \"US\" or \"EU\", was '" + cut(raw) + "'");
        }
        return r;
    }

    private static List<Integer> ports(String field, List<Integer> raw, int defaultPort) {
        if (raw == null) {
            throw new InvalidInputException(field, "must be a list of ports ([] for none), not null");
        }
        if (raw.size() > MAX_EXTRA_PORTS) {
            throw new InvalidInputException(field, "at most " + MAX_EXTRA_PORTS + " ports, was " + raw.size());
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            Integer p = raw.get(i);
            if (p == null || p < 1 || p > 65535) {
                throw new InvalidInputException(field + "[" + i + "]", "must be a port 1..65535, was " + p);
            }
            if (p == defaultPort) {
                throw new InvalidInputException(field + "[" + i + "]", p + " is always open (the protocol default)");
            }
            if (!seen.add(p)) {
                throw new InvalidInputException(field + "[" + i + "]", "port " + p + " is listed twice");
            }
        }
        return raw.stream().sorted().toList();
    }

    private static Long failover(Handle h, Server server, Long clusterId, Long targetId) {
        if (targetId == null) {
            return null;
        }
        String field = "capacity_failover_server_id";
        if (targetId == server.id()) {
            throw new InvalidInputException(field, "must be another server, not this one");
        }
        Server target = h.attach(ServerDao.class).find(server.accountId(), targetId)
                .orElseThrow(() -> new NotFoundException("server", targetId));
        if (clusterId == null) {
            throw new InvalidInputException(field, "needs this server in a cluster: the target must be a server of the same cluster");
        }
        if (!clusterId.equals(target.clusterId())) {
            throw new InvalidInputException(field, "server " + targetId + " is "
                    + (target.clusterId() == null ? "in no cluster" : "in cluster " + target.clusterId())
                    + ", not in this server's cluster " + clusterId);
        }
        if (!target.type().equals(server.type())) {
            throw new InvalidInputException(field, "server " + targetId + " is a " + target.type()
                    + "; a " + server.type() + " fails over to another " + server.type());
        }
        return targetId;
    }

    private static List<ServerSettings.UacRegistration> registrations(List<ServerSettings.UacRegistration> raw) {
        if (raw == null) {
            throw new InvalidInputException("uac_registrations", "must be a list ([] for none), not null");
        }
        if (raw.size() > MAX_UAC_REGISTRATIONS) {
            throw new InvalidInputException("uac_registrations", "at most " + MAX_UAC_REGISTRATIONS + ", was " + raw.size());
        }
        List<ServerSettings.UacRegistration> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = "uac_registrations[" + i + "]";
            ServerSettings.UacRegistration r = raw.get(i);
            if (r == null) {
                throw new InvalidInputException(at, "must be an object");
            }
            if (r.registrar() == null || !REGISTRAR.matcher(r.registrar()).matches()) {
                throw new InvalidInputException(at + ".registrar", "must be a SIP URI of a host, like sip:sip.carrier.example:5060");
            }
            if (r.username() == null || !SIP_USER.matcher(r.username()).matches()) {
                throw new InvalidInputException(at + ".username", "must be 1 to 64 characters allowed in a SIP user part");
            }
            if (r.password() != null && (r.password().isEmpty() || r.password().length() > 128
                    || r.password().chars().anyMatch(Character::isISOControl))) {
                throw new InvalidInputException(at + ".password", "must be 1 to 128 characters without control characters");
            }
            int expires = r.expiresSeconds() == null ? 3600 : r.expiresSeconds();
            if (expires < 60 || expires > 86_400) {
                throw new InvalidInputException(at + ".expires_seconds", "must be 60..86400, was " + expires);
            }
            if (!seen.add(r.registrar() + "\n" + r.username())) {
                throw new InvalidInputException(at, r.username() + " at " + r.registrar() + " is listed twice");
            }
            out.add(new ServerSettings.UacRegistration(r.registrar(), r.username(), r.password(), expires));
        }
        return out;
    }

    /** Dispatchers that front {@code server}: those of its cluster, or every one of the account if it has none. */
    static List<Server> dispatchersInFront(Handle h, Server server, Long clusterId) {
        return h.attach(ServerDao.class).list(server.accountId()).stream()
                .filter(s -> Server.DISPATCHER.equals(s.type()))
                .filter(s -> clusterId == null || clusterId.equals(s.clusterId()))
                .toList();
    }

    private static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
