package io.sipfleet.switching.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a snapshot must meet beyond its JSON shape: ranges, formats, uniqueness and the
 * relations between fields. Reports every problem at once, each with its JSON path.
 */
final class ConfigValidator {

    private static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String NAME_RULE = "must be 1..64 letters, digits, '.', '_' or '-', was ";
    private static final Pattern DIGITS = Pattern.compile("[0-9]*");

    private final Problems problems = new Problems();

    private ConfigValidator() {}

    static void validate(SwitchConfig c) throws ConfigException {
        ConfigValidator v = new ConfigValidator();
        v.check(c);
        v.problems.throwIfAny();
    }

    private void check(SwitchConfig c) {
        problems.min("version", c.version(), 0);
        if (problems.required("serverId", c.serverId()) && !SERVER_ID.matcher(c.serverId()).matches()) {
            problems.add("serverId", NAME_RULE + ConfigTree.quote(c.serverId()));
        }
        int beforeSockets = problems.size();
        if (problems.required("listen", c.listen())) {
            if (c.listen().isEmpty()) {
                problems.add("listen", "must name at least one address to listen on");
            }
            for (int i = 0; i < c.listen().size(); i++) {
                listen("listen[" + i + "]", c.listen().get(i));
            }
        }
        if (problems.required("extraPorts", c.extraPorts())) {
            ports("extraPorts.udp", c.extraPorts().udp());
            ports("extraPorts.tcp", c.extraPorts().tcp());
        }
        if (problems.size() == beforeSockets) { // only when every address and port parsed
            sockets(c);
        }
        problems.min("cpsLimit", c.cpsLimit(), 0);
        problems.min("channelLimit", c.channelLimit(), 0);
        if (c.capacityFailover() != null) {
            problems.sipUri("capacityFailover", c.capacityFailover(), false);
        }
        if (problems.required("keepAlive", c.keepAlive())) {
            problems.required("keepAlive.mode", c.keepAlive().mode());
            problems.min("keepAlive.intervalSeconds", c.keepAlive().intervalSeconds(), 1);
            problems.min("keepAlive.lostPingLimit", c.keepAlive().lostPingLimit(), 1);
        }
        if (problems.required("realm", c.realm()) && c.realm().isBlank()) {
            problems.add("realm", "must not be empty");
        }
        if (problems.required("sipUsers", c.sipUsers())) {
            sipUsers(c.sipUsers());
        }
        if (problems.required("registrar", c.registrar())) {
            registrar(c.registrar());
        }
        if (problems.required("carrierRoutes", c.carrierRoutes())) {
            carrierRoutes(c.carrierRoutes());
        }
        if (c.cdrFile() != null && c.cdrFile().isBlank()) {
            problems.add("cdrFile", "must be a file path or null (no CDRs), was \"\"");
        }
        problems.range("metricsPort", c.metricsPort(), 0, 65535);
        if (c.metricsAddress() != null && NetText.parseIp(c.metricsAddress()) == null) {
            problems.add("metricsAddress", "must be an IP address, was " + ConfigTree.quote(c.metricsAddress()));
        }
        problems.min("sessionTimeoutSeconds", c.sessionTimeoutSeconds(), 1);
        problems.range("transactionLingerSeconds", c.transactionLingerSeconds(), 1, 32);
        if (problems.required("allowedDestinations", c.allowedDestinations())) {
            if (c.allowedDestinations().isEmpty()) {
                problems.add("allowedDestinations", "must not be empty (nothing could be sent);"
                        + " use [\"0.0.0.0/0\", \"::/0\"] to allow every destination");
            }
            for (int i = 0; i < c.allowedDestinations().size(); i++) {
                String problem = NetText.cidrProblem(c.allowedDestinations().get(i));
                if (problem != null) {
                    problems.add("allowedDestinations[" + i + "]", problem);
                }
            }
        }
        if (problems.required("authFailure", c.authFailure())) {
            problems.min("authFailure.maxFailuresPerWindow", c.authFailure().maxFailuresPerWindow(), 1);
            problems.min("authFailure.windowSeconds", c.authFailure().windowSeconds(), 1);
            problems.min("authFailure.blockSeconds", c.authFailure().blockSeconds(), 0);
        }
        cluster(c);
        if (problems.required("upstreamRegistrations", c.upstreamRegistrations())) {
            upstreamRegistrations(c.upstreamRegistrations());
        }
        if (problems.required("clustering", c.clustering())) {
            problems.required("clustering.storeFailMode", c.clustering().storeFailMode());
            problems.required("clustering.capacityFailoverMode", c.clustering().capacityFailoverMode());
            problems.min("clustering.memberChannelLimit", c.clustering().memberChannelLimit(), 0);
            problems.min("clustering.channelLeaseTtlSeconds", c.clustering().channelLeaseTtlSeconds(), 3);
        }
    }

    private void listen(String at, Listen l) {
        if (problems.required(at + ".address", l.address()) && NetText.parseIp(l.address()) == null) {
            problems.add(at + ".address", "must be an IP address (not a host name), was " + ConfigTree.quote(l.address()));
        }
        problems.range(at + ".port", l.port(), 1, 65535);
        if (problems.required(at + ".transports", l.transports())) {
            if (l.transports().isEmpty()) {
                problems.add(at + ".transports", "must name at least one of udp, tcp");
            } else if (new HashSet<>(l.transports()).size() != l.transports().size()) {
                problems.add(at + ".transports", "names a transport twice");
            }
        }
    }

    /** Two sockets on one transport, address and port would fail at bind time: say so now. */
    private void sockets(SwitchConfig c) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.listen().size(); i++) {
            Listen l = c.listen().get(i);
            for (SipTransport t : l.transports()) {
                socket(seen, "listen[" + i + "]", t, l.address(), l.port());
            }
        }
        for (Listen l : c.listen()) {
            for (int i = 0; i < c.extraPorts().udp().size(); i++) {
                socket(seen, "extraPorts.udp[" + i + "]", SipTransport.UDP, l.address(), c.extraPorts().udp().get(i));
            }
            for (int i = 0; i < c.extraPorts().tcp().size(); i++) {
                socket(seen, "extraPorts.tcp[" + i + "]", SipTransport.TCP, l.address(), c.extraPorts().tcp().get(i));
            }
        }
    }

    private void socket(Set<String> seen, String at, SipTransport t, String address, int port) {
        String key = t.wire() + " " + NetText.parseIp(address).getHostAddress() + " " + port;
        if (!seen.add(key)) {
            problems.add(at, "opens " + t.wire() + " " + address + ":" + port + " a second time");
        }
    }

    private void ports(String at, List<Integer> ports) {
        if (!problems.required(at, ports)) {
            return;
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            problems.range(at + "[" + i + "]", ports.get(i), 1, 65535);
            if (!seen.add(ports.get(i))) {
                problems.add(at + "[" + i + "]", "port " + ports.get(i) + " is listed twice");
            }
        }
    }

    private void sipUsers(List<SipUser> users) {
        Set<String> aors = new HashSet<>();
        Set<String> authUsers = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            String at = "sipUsers[" + i + "]";
            SipUser u = users.get(i);
            if (problems.required(at + ".aor", u.aor()) && problems.sipUri(at + ".aor", u.aor(), true)
                    && !aors.add(u.aor())) {
                problems.add(at + ".aor", "duplicate AoR " + ConfigTree.quote(u.aor()));
            }
            if (problems.required(at + ".authUser", u.authUser())) {
                if (u.authUser().isBlank()) {
                    problems.add(at + ".authUser", "must not be empty");
                } else if (!authUsers.add(u.authUser())) {
                    problems.add(at + ".authUser", "duplicate authUser " + ConfigTree.quote(u.authUser()));
                }
            }
            // Never echo the value: an HA1 authenticates like a password.
            if (u.ha1Md5() != null && !MD5_HEX.matcher(u.ha1Md5()).matches()) {
                problems.add(at + ".ha1Md5", "must be 32 lowercase hex digits");
            }
            if (u.ha1Sha256() != null && !SHA256_HEX.matcher(u.ha1Sha256()).matches()) {
                problems.add(at + ".ha1Sha256", "must be 64 lowercase hex digits");
            }
            if (u.ha1Md5() == null && u.ha1Sha256() == null) {
                problems.add(at, "needs ha1Md5 or ha1Sha256 (or both); compute them with ./sipfleet ha1 <user> <realm>");
            }
        }
    }

    private void upstreamRegistrations(List<UpstreamRegistration> list) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "upstreamRegistrations[" + i + "]";
            UpstreamRegistration r = list.get(i);
            if (r == null) {
                problems.add(at, "must be an object");
                continue;
            }
            if (problems.required(at + ".registrar", r.registrar()) && problems.sipUri(at + ".registrar", r.registrar(), false)) {
                try {
                    var uri = (io.sipfleet.sip.message.SipUri) io.sipfleet.sip.parse.UriParser.parse(r.registrar());
                    if (uri.user() != null) {
                        problems.add(at + ".registrar", "must name the registrar's host without a user part (the user is"
                                + " username), e.g. \"sip:sip.carrier.example:5060\", was " + ConfigTree.quote(r.registrar()));
                    } else if (uri.secure() || (uri.transport() != null && !uri.transport().equalsIgnoreCase("udp"))) {
                        problems.add(at + ".registrar", "only UDP registrars are supported (sip: without ;transport=tcp/tls), was "
                                + ConfigTree.quote(r.registrar()));
                    }
                } catch (io.sipfleet.sip.parse.SipParseException e) {
                    // reported by sipUri above
                }
            }
            if (problems.required(at + ".username", r.username())
                    && (r.username().isBlank() || r.username().chars().anyMatch(ch -> ch <= ' ' || ch == '@' || ch == ':' || ch == '>' || ch == '<'))) {
                problems.add(at + ".username", "must be a SIP user part without spaces, '@', ':', '<' or '>', was "
                        + ConfigTree.quote(r.username()));
            }
            // Never echo the value: it is the password.
            if (problems.required(at + ".password", r.password())
                    && (r.password().isEmpty() || r.password().chars().anyMatch(Character::isISOControl))) {
                problems.add(at + ".password", "must be 1 or more characters without control characters");
            }
            problems.min(at + ".expiresSeconds", r.expiresSeconds(), 1);
            problems.min(at + ".retrySeconds", r.retrySeconds(), 1);
            if (r.registrar() != null && r.username() != null && !keys.add(r.key())) {
                problems.add(at, r.key() + " is listed twice");
            }
        }
    }

    private void registrar(Registrar r) {
        problems.min("registrar.minExpiresSeconds", r.minExpiresSeconds(), 1);
        if (r.maxExpiresSeconds() < r.minExpiresSeconds()) {
            problems.add("registrar.maxExpiresSeconds", "must be >= registrar.minExpiresSeconds ("
                    + r.minExpiresSeconds() + "), was " + r.maxExpiresSeconds());
        }
        if (r.defaultExpiresSeconds() < r.minExpiresSeconds() || r.defaultExpiresSeconds() > r.maxExpiresSeconds()) {
            problems.add("registrar.defaultExpiresSeconds", "must be between minExpiresSeconds and maxExpiresSeconds ("
                    + r.minExpiresSeconds() + ".." + r.maxExpiresSeconds() + "), was " + r.defaultExpiresSeconds());
        }
    }

    private void carrierRoutes(List<CarrierRoute> routes) {
        Set<String> prefixes = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            String at = "carrierRoutes[" + i + "]";
            CarrierRoute r = routes.get(i);
            if (problems.required(at + ".prefix", r.prefix())) {
                if (!DIGITS.matcher(r.prefix()).matches()) {
                    problems.add(at + ".prefix", "must be digits only (\"\" for the default route), was "
                            + ConfigTree.quote(r.prefix()));
                } else if (!prefixes.add(r.prefix())) {
                    problems.add(at + ".prefix", "duplicate prefix " + ConfigTree.quote(r.prefix())
                            + ": the route to use would be ambiguous");
                }
            }
            if (problems.required(at + ".gateway", r.gateway())) {
                problems.sipUri(at + ".gateway", r.gateway(), false);
            }
            problems.min(at + ".cpsLimit", r.cpsLimit(), 0);
            if (problems.required(at + ".name", r.name())) {
                if (r.name().isBlank()) {
                    problems.add(at + ".name", "must not be empty");
                } else if (!names.add(r.name())) {
                    problems.add(at + ".name", "duplicate route name " + ConfigTree.quote(r.name()));
                }
            }
        }
    }

    private void cluster(SwitchConfig c) {
        if (c.clusterId() != null && !SERVER_ID.matcher(c.clusterId()).matches()) {
            problems.add("clusterId", NAME_RULE + ConfigTree.quote(c.clusterId()));
        }
        if (c.storeUri() != null && io.sipfleet.cluster.RedisClusterState.isRedisCluster(c.storeUri())) {
            // redis-cluster://host:port,host:port: seed nodes, which java.net.URI cannot parse as one authority
            try {
                for (var seed : io.sipfleet.cluster.RedisClusterState.clusterSeeds(c.storeUri())) {
                    if (seed.getHost() == null || seed.getHost().isBlank()) throw new IllegalArgumentException("no host in a seed");
                }
            } catch (RuntimeException e) {
                problems.add("storeUri", "a Redis Cluster is \"redis-cluster://host:port[,host:port...]\", was "
                        + ConfigTree.quote(c.storeUri()) + " (" + e.getMessage() + ")");
            }
        } else if (c.storeUri() != null) {
            try {
                URI uri = new URI(c.storeUri());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    problems.add("storeUri", "must be an absolute URI with a host, e.g. \"redis://127.0.0.1:6379\", was "
                            + ConfigTree.quote(c.storeUri()));
                }
            } catch (URISyntaxException e) {
                problems.add("storeUri", "not a URI (" + e.getReason() + "): " + ConfigTree.quote(c.storeUri()));
            }
        }
        // A cluster member shares its state through the store: one without the other is a mistake
        // that would silently run the member alone (limits per member instead of per cluster).
        if (c.clusterId() != null && c.storeUri() == null) {
            problems.add("storeUri", "required when clusterId is set (the cluster shares its state there)");
        }
        if (c.storeUri() != null && c.clusterId() == null) {
            problems.add("clusterId", "required when storeUri is set (it names the cluster's keyspace)");
        }
        if (problems.required("dispatchers", c.dispatchers())) {
            for (int i = 0; i < c.dispatchers().size(); i++) {
                String d = c.dispatchers().get(i);
                if (d == null || io.sipfleet.sip.transport.IpLiterals.parse(d) == null) {
                    problems.add("dispatchers[" + i + "]", "must be an IP address, was " + ConfigTree.quote(String.valueOf(d)));
                }
            }
        }
        if (c.nonceSecret() != null) {
            String k = c.nonceSecret();
            boolean hex = k.length() % 2 == 0 && k.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
            if (!hex || k.length() < 32 || k.length() > 128) {
                problems.add("nonceSecret", "must be 32..128 hex digits (16..64 bytes), e.g. from `openssl rand -hex 32`");
            }
        }
        if (problems.required("serviceState", c.serviceState()) && !SwitchConfig.SERVICE_STATES.contains(c.serviceState())) {
            problems.add("serviceState", "must be \"active\", \"expired\" or \"suspended\", was " + ConfigTree.quote(c.serviceState()));
        }
        if (c.restrictDirect() && c.dispatchers() != null && c.dispatchers().isEmpty()) {
            problems.add("restrictDirect", "needs at least one address in dispatchers (or nobody but carriers could reach the switch)");
        }
        if (problems.required("digestAlgorithms", c.digestAlgorithms())) {
            if (c.digestAlgorithms().isEmpty()) problems.add("digestAlgorithms", "must name at least one algorithm");
            for (int i = 0; i < c.digestAlgorithms().size(); i++) {
                String a = c.digestAlgorithms().get(i);
                if (a == null || io.sipfleet.sip.auth.DigestAlgorithm.fromToken(a).isEmpty()) {
                    problems.add("digestAlgorithms[" + i + "]", "must be one of SHA-256, MD5, SHA-256-sess, MD5-sess, was "
                            + ConfigTree.quote(String.valueOf(a)));
                }
            }
        }
        if (problems.required("locationSharingPeers", c.locationSharingPeers())) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < c.locationSharingPeers().size(); i++) {
                String peer = c.locationSharingPeers().get(i);
                if (peer.isBlank()) {
                    problems.add("locationSharingPeers[" + i + "]", "must not be empty");
                } else if (!seen.add(peer)) {
                    problems.add("locationSharingPeers[" + i + "]", "duplicate peer " + ConfigTree.quote(peer));
                } else if (peer.equals(c.serverId())) {
                    problems.add("locationSharingPeers[" + i + "]", "is this server's own serverId");
                } else if (ClusterMembers.isMemberEntry(peer)) {
                    var member = ClusterMembers.parse(peer);
                    if (member == null) {
                        problems.add("locationSharingPeers[" + i + "]", "a cluster member is \"serverId=sip:IP:port\", e.g. "
                                + "\"sw-b=sip:127.0.0.3:5060\", was " + ConfigTree.quote(peer));
                    } else if (member.getKey().equals(c.serverId())) {
                        problems.add("locationSharingPeers[" + i + "]", "is this server's own serverId");
                    }
                    // Un-clustered, the entry is a location sharing peer: inert while locationSharing is false.
                }
            }
        }
    }
}
