package io.sipfleet.switching.routing;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.TelUri;
import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.UriParser;
import io.sipfleet.sip.transport.IpLiterals;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import io.sipfleet.switching.auth.Aors;
import io.sipfleet.switching.auth.UserDirectory;
import io.sipfleet.switching.config.CarrierRoute;
import io.sipfleet.switching.config.ClusterMembers;
import io.sipfleet.switching.config.SwitchConfig;
import io.sipfleet.sip.proxy.LocalIdentity;
import io.sipfleet.sip.proxy.Target;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing of initial requests: a Request-URI for one of our subscribers goes to the bindings of
 * that AoR (all of them: parallel forking), anything else by the longest prefix of the dialled
 * number to a carrier gateway, else 404. Hosts must be IP literals: the switch does no DNS on
 * the call path (RFC 3263 lookups would block or need a resolver cache; gateways are configured
 * by address).
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final LocalIdentity self;
    private final Supplier<SwitchConfig> config;
    private final LocationStore location;
    private final UserDirectory users;
    /** Parsed targets of the bindings routed to lately (a callee is called again and again). */
    private final BindingTargets bindingTargets = new BindingTargets();
    private volatile io.sipfleet.switching.sharing.PeerLocations peerLocations;

    public Router(LocalIdentity self, Supplier<SwitchConfig> config, LocationStore location, UserDirectory users) {
        this.self = self;
        this.config = config;
        this.location = location;
        this.users = users;
    }

    /** The bindings of this switch's location sharing peers (un-clustered, locationSharing on). */
    public void peerLocations(io.sipfleet.switching.sharing.PeerLocations peers) { this.peerLocations = peers; }

    /**
     * The AoR key of a URI (the registrar's and the directory's form, {@link Aors#canonical}),
     * with our own IP addresses read as our domain: a phone configured with the switch's IP as
     * its domain registers and is called as user@realm.
     */
    public String aorOf(SipUri uri) {
        return Aors.canonical(self.isLocal(uri) ? uri.withHost(config.get().realm()).withPort(-1) : uri);
    }

    /** The user part is case-sensitive, the host not (RFC 3261 19.1.4): the directory knows. */
    public boolean isSubscriber(String aor) {
        return users.byAor(aor).isPresent();
    }

    /**
     * The AoR of the subscriber the Request-URI names (one of ours, as {@link #route} reads it), or
     * null when the request is routed otherwise (carrier route, 404, 416). A switch that calls it
     * looks the bindings up itself (with the call's admission, in one round trip) and then asks
     * {@link #toUser(String, List)} for the decision.
     */
    public String subscriberAor(SipRequest request) {
        if (request.requestUri() instanceof SipUri s && s.user() != null && self.isLocal(s)) {
            String aor = aorOf(s);
            if (isSubscriber(aor)) return aor;
        }
        return null;
    }

    /** The location store subscribers' bindings are read from. */
    public LocationStore location() { return location; }

    /**
     * The decision for a request to subscriber {@code aor} (not relayed by a member) whose live
     * bindings are {@code bindings}: as {@link #route} decides once it has looked them up.
     */
    public RouteDecision toUser(String aor, List<Binding> bindings) {
        SwitchConfig c = config.get();
        return toTargets(aor, c, members(c), bindings, false);
    }

    /**
     * @param fromMember    the request was relayed by a fellow cluster member: it already sent the
     *                      other members' bindings their share, so only this member's own bindings
     *                      are targets (no second relay, no loop).
     * @param subscriberAor {@link #subscriberAor(SipRequest)} of the request, which the caller has
     *                      already read (null: not to a subscriber)
     */
    public CompletionStage<RouteDecision> route(SipRequest request, boolean fromMember, String subscriberAor) {
        if (subscriberAor != null) return toUser(subscriberAor, fromMember);
        Uri ruri = request.requestUri();
        String number;
        if (ruri instanceof SipUri s) {
            number = s.user() == null ? null : s.decodedUser();
        } else if (ruri instanceof TelUri t) {
            number = t.digits();
        } else {
            return done(new RouteDecision.Reject(416, "Unsupported URI Scheme"));
        }
        if (number == null || number.isEmpty()) return done(new RouteDecision.Reject(404, "Not Found"));
        CarrierRoute route = config.get().routeTable().route(number).orElse(null);
        if (route == null) return done(new RouteDecision.Reject(404, "No Route"));
        Target target = carrierTarget(route, number);
        if (target == null) return done(new RouteDecision.Reject(502, "Bad Gateway Address"));
        return done(new RouteDecision.ToCarrier(route, target));
    }

    private CompletionStage<RouteDecision> toUser(String aor, boolean fromMember) {
        SwitchConfig c = config.get();
        Map<String, InetSocketAddress> members = members(c);
        return location.lookup(aor).thenApply(bindings -> (RouteDecision) toTargets(aor, c, members, bindings, fromMember));
    }

    private RouteDecision toTargets(String aor, SwitchConfig c, Map<String, InetSocketAddress> members,
                                    List<Binding> bindings, boolean fromMember) {
        {
            List<Target> targets = new ArrayList<>(bindings.size());
            Set<String> relayed = new LinkedHashSet<>();
            for (Binding b : bindings) {
                String owner = b.memberId();
                // A binding with a Path (registered through the dispatcher) is reachable from any
                // member: the Path leads to the edge proxy holding the UA's flow, no owner relay.
                if (owner == null || owner.equals(c.serverId()) || (b.path() != null && !fromMember)) {
                    Target t = bindingTargets.of(b);
                    if (t != null) targets.add(t);
                } else if (members.containsKey(owner)) {
                    // Only the member the UAC registered through holds its NAT pinhole / connection.
                    if (!fromMember) relayed.add(owner);
                } else if (!fromMember) {
                    log.warn("routing: binding {} of {} belongs to member {} whose address is not configured"
                            + " (locationSharingPeers \"{}=sip:IP:port\"); sending to its flow directly", b.contact(), aor,
                            owner, owner);
                    Target t = bindingTargets.of(b);
                    if (t != null) targets.add(t);
                }
            }
            for (String member : relayed) targets.add(memberTarget(aor, member, members.get(member)));
            io.sipfleet.switching.sharing.PeerLocations peers = peerLocations;
            if (peers != null && !fromMember) {
                // Location array sharing: a peer holding a binding of the AoR gets the call and
                // sends it on to the UA's flow, which only it has (it also pings that binding).
                Map<String, InetSocketAddress> sharing = sharingPeers(c);
                for (String peer : peers.holders(aor)) {
                    InetSocketAddress address = sharing.get(peer);
                    if (address != null) targets.add(memberTarget(aor, peer, address));
                }
            }
            // Nobody here or at a peer has a binding: RFC 3261 leaves 404 or 480; 404 is what
            // carriers' registrars answer for "not registered" (Kamailio's lookup() default).
            if (targets.isEmpty() && !fromMember) return new RouteDecision.Reject(404, "Not Found");
            return new RouteDecision.ToUser(aor, targets);
        }
    }

    /** The request relayed to the member owning bindings of {@code aor}: Request-URI the AoR, to its SIP address. */
    private Target memberTarget(String aor, String member, InetSocketAddress address) {
        Uri uri;
        try {
            uri = UriParser.parse(aor);
        } catch (SipParseException e) {
            throw new IllegalStateException("AoR " + aor + " does not parse", e);
        }
        return new Target(uri, self.peerTo(Transport.UDP, address), "member " + member);
    }

    private volatile SwitchConfig membersOf;
    private volatile Map<String, InetSocketAddress> membersCache = Map.of();

    private volatile SwitchConfig sharingOf;
    private volatile Map<String, InetSocketAddress> sharingCache = Map.of();

    private Map<String, InetSocketAddress> sharingPeers(SwitchConfig c) {
        if (sharingOf != c) {
            sharingCache = ClusterMembers.sharingPeers(c);
            sharingOf = c;
        }
        return sharingCache;
    }

    private Map<String, InetSocketAddress> members(SwitchConfig c) {
        if (membersOf != c) {
            membersCache = ClusterMembers.of(c);
            membersOf = c;
        }
        return membersCache;
    }

    /**
     * A binding's target: its Contact as Request-URI, sent to the flow it registered through (NAT).
     * A binding with a Path (RFC 3327: it registered through an edge proxy such as our dispatcher)
     * is reached through that Path instead: the request carries the Path entries as its Route
     * set and goes to the first entry's host:port (over the transport the REGISTER came on,
     * unless the entry names one), from the listener the REGISTER arrived on.
     */
    public static Target bindingTarget(Binding b) {
        Uri contact;
        try {
            contact = UriParser.parse(b.contact());
        } catch (SipParseException e) {
            log.warn("routing: binding {} of {} has an unparsable contact: {}", b.contact(), b.aor(), e.getMessage());
            return null;
        }
        Flow f = b.flow();
        InetAddress src = IpLiterals.parse(f.sourceIp());
        InetAddress local = IpLiterals.parse(f.localIp());
        if (src == null || local == null) return null;
        Transport transport = Transport.valueOf(f.transport().name());
        if (b.path() != null) return pathTarget(b, contact, transport, new InetSocketAddress(local, f.localPort()));
        Peer to = new Peer(transport, new InetSocketAddress(src, f.sourcePort()),
                new InetSocketAddress(local, f.localPort()), 0);
        return new Target(contact, to, b.aor());
    }

    private static Target pathTarget(Binding b, Uri contact, Transport flowTransport, InetSocketAddress local) {
        List<NameAddr> entries;
        try {
            entries = PathSet.parse(b.path());
        } catch (SipParseException e) {
            log.warn("routing: binding {} of {} has an unparsable Path {}: {}", b.contact(), b.aor(), b.path(), e.getMessage());
            return null;
        }
        if (entries.isEmpty()) return null;
        SipUri first = entries.get(0).sipUri();
        InetAddress ip = IpLiterals.parse(first.maddr() != null ? first.maddr() : first.host());
        if (ip == null) {
            log.warn("routing: binding {} of {}: Path hop {} is not an IP address (no DNS on the call path)",
                    b.contact(), b.aor(), first);
            return null;
        }
        Transport t = first.transport() == null ? flowTransport : Transport.fromVia(first.transport());
        if (t == null) t = flowTransport;
        Peer to = new Peer(t, new InetSocketAddress(ip, first.portOrDefault()), local, 0);
        return new Target(contact, to, b.aor(), PathSet.routeValues(entries));
    }

    private Target carrierTarget(CarrierRoute route, String number) {
        SipUri gw;
        try {
            gw = (SipUri) UriParser.parse(route.gateway());
        } catch (SipParseException | ClassCastException e) {
            log.error("routing: route {} has a bad gateway {}", route.name(), route.gateway());
            return null;
        }
        InetAddress ip = IpLiterals.parse(gw.host());
        if (ip == null) {
            log.error("routing: route {} gateway {} is not an IP address (no DNS on the call path)", route.name(), gw);
            return null;
        }
        Transport t = gw.transport() == null ? Transport.UDP : Transport.fromVia(gw.transport());
        if (t == null) t = Transport.UDP;
        SipUri ruri = gw.withUser(number);
        return new Target(ruri, self.peerTo(t, new InetSocketAddress(ip, gw.portOrDefault())), "route " + route.name());
    }

    /** Next hop of an in-dialog request: its first Route that is not us, else its Request-URI. */
    public Target nextHop(SipRequest request, Transport arrivedOn) {
        SipUri hop = null;
        boolean skipping = true;
        for (var r : request.routes()) {
            SipUri u = r.sipUri();
            if (skipping && u != null && self.isLocal(u)) continue;
            skipping = false;
            hop = u;
            break;
        }
        if (hop == null && request.requestUri() instanceof SipUri s) hop = s;
        if (hop == null) return null;
        InetAddress ip = IpLiterals.parse(hop.maddr() != null ? hop.maddr() : hop.host());
        if (ip == null) return null;
        Transport t = hop.transport() == null ? arrivedOn : Transport.fromVia(hop.transport());
        if (t == null) t = arrivedOn;
        return new Target(request.requestUri(), self.peerTo(t, new InetSocketAddress(ip, hop.portOrDefault())),
                "next hop " + hop.hostPort());
    }

    private static CompletionStage<RouteDecision> done(RouteDecision d) {
        return CompletableFuture.completedFuture(d);
    }
}
