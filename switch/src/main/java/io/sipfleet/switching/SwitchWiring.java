package io.sipfleet.switching;

import io.sipfleet.sip.auth.DigestAuthenticator;
import io.sipfleet.sip.auth.DigestConfig;
import io.sipfleet.sip.transport.AllowList;
import io.sipfleet.sip.transport.IpLiterals;
import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.Transport;
import io.sipfleet.switching.auth.AuthGuardSettings;
import io.sipfleet.switching.auth.RequestAuthenticator;
import io.sipfleet.switching.auth.SipUser;
import io.sipfleet.switching.auth.StaticUserDirectory;
import io.sipfleet.switching.auth.UserDirectory;
import io.sipfleet.switching.calls.CallTracker;
import io.sipfleet.switching.config.CarrierRoute;
import io.sipfleet.switching.config.Listen;
import io.sipfleet.switching.config.SwitchConfig;
import io.sipfleet.switching.registrar.RegistrarSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The translations from the configuration snapshot to the settings of each part of the switch:
 * kept in one place so a reload and a start read the snapshot the same way.
 */
final class SwitchWiring {
    private SwitchWiring() {}

    static List<ListenerConfig> listeners(SwitchConfig c) {
        AllowList allow = AllowList.parse(String.join(",", c.allowedDestinations()));
        List<ListenerConfig> out = new ArrayList<>();
        for (Listen l : c.listen()) {
            InetAddress address = IpLiterals.parse(l.address());
            EnumSet<Transport> transports = EnumSet.noneOf(Transport.class);
            l.transports().forEach(t -> transports.add(Transport.valueOf(t.name())));
            out.add(ListenerConfig.of(address, l.port()).withTransports(transports).withAllowList(allow));
        }
        return out;
    }

    static List<InetSocketAddress> addresses(SwitchConfig c) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Listen l : c.listen()) out.add(new InetSocketAddress(IpLiterals.parse(l.address()), l.port()));
        return out;
    }

    /** The first UDP listen socket: upstream REGISTERs leave from it and name it as Contact. */
    static InetSocketAddress udpListener(SwitchConfig c) {
        for (Listen l : c.listen()) {
            if (l.transports().contains(io.sipfleet.switching.config.SipTransport.UDP)) {
                return new InetSocketAddress(IpLiterals.parse(l.address()), l.port());
            }
        }
        return null;
    }

    static UserDirectory users(SwitchConfig c) {
        List<SipUser> users = new ArrayList<>();
        for (var u : c.sipUsers()) users.add(new SipUser(u.aor(), u.authUser(), u.ha1Md5(), u.ha1Sha256()));
        return new StaticUserDirectory(users);
    }

    static RequestAuthenticator authenticator(SwitchConfig c, UserDirectory users, Clock clock, byte[] nonceSecret) {
        List<io.sipfleet.sip.auth.DigestAlgorithm> algorithms = c.digestAlgorithms().stream()
                .map(a -> io.sipfleet.sip.auth.DigestAlgorithm.fromToken(a).orElseThrow()).toList();
        DigestConfig digest = DigestConfig.defaults(c.realm()).withAlgorithms(algorithms);
        return new RequestAuthenticator(new DigestAuthenticator(digest, clock, nonceSecret), users);
    }

    static AuthGuardSettings guard(SwitchConfig c) {
        var a = c.authFailure();
        return new AuthGuardSettings(a.maxFailuresPerWindow(), Duration.ofSeconds(a.windowSeconds()),
                Duration.ofSeconds(a.blockSeconds()));
    }

    static RegistrarSettings registrar(SwitchConfig c) {
        var r = c.registrar();
        return new RegistrarSettings(c.realm(), r.minExpiresSeconds(), r.maxExpiresSeconds(), r.defaultExpiresSeconds(),
                c.serverId());
    }

    static CallTracker.Limits limits(SwitchConfig c) {
        Duration session = Duration.ofSeconds(c.sessionTimeoutSeconds());
        if (c.clusterId() == null) return new CallTracker.Limits(c.cpsLimit(), c.channelLimit(), session);
        var k = c.clustering();
        return new CallTracker.Limits(c.cpsLimit(), c.channelLimit(), session, k.memberChannelLimit(),
                k.storeFailMode() == io.sipfleet.switching.config.Clustering.StoreFailMode.OPEN,
                1 + io.sipfleet.switching.config.ClusterMembers.of(c).size());
    }

    /**
     * The other cluster members' IP addresses, and the location sharing peers' (their requests
     * are trusted and relayed to our own bindings only, see ClusterMembers).
     */
    static Set<InetAddress> memberSources(SwitchConfig c) {
        Set<InetAddress> out = new HashSet<>();
        for (InetSocketAddress a : io.sipfleet.switching.config.ClusterMembers.of(c).values()) out.add(a.getAddress());
        for (InetSocketAddress a : io.sipfleet.switching.config.ClusterMembers.sharingPeers(c).values()) out.add(a.getAddress());
        return Set.copyOf(out);
    }

    /** IP addresses allowed to read our location change feed: the sharing peers (empty when sharing is off). */
    static Set<InetAddress> memberSourcesOfSharing(SwitchConfig c) {
        Set<InetAddress> out = new HashSet<>();
        for (InetSocketAddress a : io.sipfleet.switching.config.ClusterMembers.sharingPeers(c).values()) out.add(a.getAddress());
        return Set.copyOf(out);
    }

    /** serverId -> change feed address of each location sharing peer (un-clustered, locationSharing on). */
    static java.util.Map<String, InetSocketAddress> sharingFeeds(SwitchConfig c) {
        if (c.clusterId() != null || !c.locationSharing()) return java.util.Map.of();
        java.util.Map<String, InetSocketAddress> out = new java.util.LinkedHashMap<>();
        for (String p : c.locationSharingPeers()) {
            var member = io.sipfleet.switching.config.ClusterMembers.parse(p);
            InetSocketAddress feed = io.sipfleet.switching.config.ClusterMembers.feed(p);
            if (member != null && feed != null) out.put(member.getKey(), feed);
        }
        return java.util.Map.copyOf(out);
    }

    /** Our dispatchers: requests they relay are attributed to the client in the next Via. */
    static Set<InetAddress> dispatchers(SwitchConfig c) {
        Set<InetAddress> out = new HashSet<>();
        for (String d : c.dispatchers()) {
            InetAddress ip = IpLiterals.parse(d);
            if (ip != null) out.add(ip);
        }
        return Set.copyOf(out);
    }

    /** Carrier gateways: their requests (inbound calls) are trusted by source address. */
    static Set<InetAddress> trustedSources(SwitchConfig c) {
        Set<InetAddress> out = new HashSet<>();
        for (CarrierRoute r : c.carrierRoutes()) {
            String gw = r.gateway();
            int colon = gw.indexOf(':');
            String rest = gw.substring(colon + 1);
            int at = rest.indexOf('@');
            if (at >= 0) rest = rest.substring(at + 1);
            String host = rest.startsWith("[") ? rest.substring(0, rest.indexOf(']') + 1) : rest.split("[:;]", 2)[0];
            InetAddress ip = IpLiterals.parse(host);
            if (ip != null) out.add(ip);
        }
        return Set.copyOf(out);
    }
}
