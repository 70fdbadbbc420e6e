package io.sipfleet.switching;

import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.TelUri;
import io.sipfleet.sip.parse.Methods;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.auth.AuthGate;
import io.sipfleet.switching.auth.RequestAuthenticator;
import io.sipfleet.switching.calls.Admission;
import io.sipfleet.switching.calls.Call;
import io.sipfleet.switching.calls.CallTracker;
import io.sipfleet.switching.config.SwitchConfig;
import io.sipfleet.switching.keepalive.KeepAliveScheduler;
import io.sipfleet.switching.metrics.SwitchMetrics;
import io.sipfleet.sip.proxy.CallEvents;
import io.sipfleet.sip.proxy.LocalIdentity;
import io.sipfleet.sip.proxy.StatefulProxy;
import io.sipfleet.sip.proxy.Target;
import io.sipfleet.switching.registrar.Registrar;
import io.sipfleet.switching.routing.RouteDecision;
import io.sipfleet.switching.routing.Router;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch's transaction user: decides what each request is (a registration, a ping to us, a
 * new call, a request inside a call) and hands it to the registrar, the proxy and the call
 * tracker. Runs on event loops: every step is non-blocking, store lookups are async.
 */
public final class SwitchCore implements TransactionUser {
    private static final Logger log = LoggerFactory.getLogger(SwitchCore.class);
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, PRACK, MESSAGE, REFER, NOTIFY, SUBSCRIBE";

    private final Supplier<SwitchConfig> config;
    private final LocalIdentity self;
    private final Router router;
    private final StatefulProxy proxy;
    private final Registrar registrar;
    private final AuthGate gate;
    private final CallTracker calls;
    private final KeepAliveScheduler keepAlive;
    private final SwitchMetrics metrics;
    private volatile Set<InetAddress> trustedSources;
    private volatile Set<InetAddress> memberSources = Set.of();

    public SwitchCore(Supplier<SwitchConfig> config, LocalIdentity self, Router router, StatefulProxy proxy,
                      Registrar registrar, AuthGate gate,
                      CallTracker calls, KeepAliveScheduler keepAlive, SwitchMetrics metrics,
                      Set<InetAddress> trustedSources) {
        this.config = config;
        this.self = self;
        this.router = router;
        this.proxy = proxy;
        this.registrar = registrar;
        this.gate = gate;
        this.calls = calls;
        this.keepAlive = keepAlive;
        this.metrics = metrics;
        this.trustedSources = trustedSources;
    }

    private volatile Set<InetAddress> dispatcherSources = Set.of();

    /** Our dispatchers (Restrict Direct lets them in). */
    public void dispatcherSources(Set<InetAddress> sources) { this.dispatcherSources = Set.copyOf(sources); }

    private boolean directAllowed(Peer from) {
        InetAddress a = from.remote().getAddress();
        return dispatcherSources.contains(a) || trustedSources.contains(a) || memberSources.contains(a)
                || registrarSources.contains(a);
    }

    private volatile Set<InetAddress> registrarSources = Set.of();
    private volatile io.sipfleet.switching.upstream.UpstreamRegistrations upstream;

    /**
     * The upstream registrars' addresses: the carrier we registered to sends its calls from
     * there, to the Contact we registered. They are trusted like a carrier gateway (no digest
     * challenge: a carrier does not answer one) and let in by Restrict Direct.
     */
    public void registrarSources(Set<InetAddress> sources) { this.registrarSources = Set.copyOf(sources); }

    /** Our upstream registrations: the answers to their REGISTERs are theirs. */
    public void upstream(io.sipfleet.switching.upstream.UpstreamRegistrations upstream) { this.upstream = upstream; }

    /** Carrier gateways: their requests are authenticated by source address, not digest. */
    public void trustedSources(Set<InetAddress> sources) { this.trustedSources = sources; }

    /**
     * The other members of this switch's cluster, by address: their requests are trusted (the
     * member that took the call authenticated and admitted it against the cluster's limits) and
     * are routed to this member's own bindings only.
     */
    public void memberSources(Set<InetAddress> sources) { this.memberSources = Set.copyOf(sources); }

    private boolean fromMember(Peer from) {
        return !memberSources.isEmpty() && memberSources.contains(from.remote().getAddress());
    }

    @Override public void onRequest(ServerTransaction tx, SipRequest request) {
        Peer from = tx.peer();
        if (config.get().restrictDirect() && !directAllowed(from)) {
            // Restrict Direct: this switch is reached only through its dispatchers (and by its
            // carriers and fellow members); say so plainly rather than time out.
            tx.respond(403, "Direct Access Not Allowed");
            return;
        }
        String method = request.method();
        boolean inDialog = request.to().tag() != null;
        if (method == Methods.REGISTER && !inDialog) {
            if (request.requestUri() instanceof SipUri s && self.isLocal(s)) registrar.onRegister(tx, request, from);
            else tx.respond(403, "Relaying Denied");
            return;
        }
        if (request.maxForwards() == 0 && !isForUs(request)) {
            tx.respond(483, "Too Many Hops"); // RFC 3261 16.3 step 3 (RFC 4475 zeromf)
            return;
        }
        String proxyRequire = request.header(HeaderName.PROXY_REQUIRE);
        if (proxyRequire != null) {
            // We support no extension a proxy must understand (16.3 step 5, RFC 4475 bext01).
            tx.respond(Responses.create(request, 420, "Bad Extension", tx.toTag(),
                    new HeaderField("Unsupported", proxyRequire)));
            return;
        }
        if (inDialog) {
            inDialog(tx, request, from);
            return;
        }
        if (method == Methods.OPTIONS && isForUs(request)) {
            HeaderField allow = new HeaderField("Allow", ALLOW), accept = new HeaderField("Accept", "application/sdp"),
                    supported = new HeaderField("Supported", "path");
            tx.respond(loadReportTo(from)
                    ? Responses.create(request, 200, "OK", tx.toTag(), allow, accept, supported, new HeaderField("X-Load", load()))
                    : Responses.create(request, 200, "OK", tx.toTag(), allow, accept, supported));
            return;
        }
        if (!(request.requestUri() instanceof SipUri) && !(request.requestUri() instanceof TelUri)) {
            tx.respond(416, "Unsupported URI Scheme"); // RFC 4475 3.3.2: never route on To instead
            return;
        }
        if (method == Methods.INVITE && config.get().callsStopped()) {
            // The control plane stopped this server (test period over, or the account out of
            // credit): refuse new calls at once, before auth or routing spend anything on them.
            String state = config.get().serviceState();
            metrics.call("rejected-503");
            tx.respond(503, "Service " + Character.toUpperCase(state.charAt(0)) + state.substring(1));
            return;
        }
        if (!authorized(tx, request, from)) return;
        initial(tx, request, from);
    }

    /** Our dispatchers get the load report (anyone when none are configured): it is not for scanners. */
    private boolean loadReportTo(Peer from) {
        Set<InetAddress> d = dispatcherSources;
        return d.isEmpty() || d.contains(from.remote().getAddress());
    }

    /**
     * The X-Load header a dispatcher's least-loaded algorithm reads from its OPTIONS probe:
     * {@code ch=CALLS/CHANNEL_LIMIT; cps=ADMITTED_LAST_SECOND/CPS_LIMIT}, counts of this switch, 0 =
     * no limit (format: the dispatcher's LoadReport).
     */
    private String load() {
        CallTracker.Limits l = calls.limits();
        return "ch=" + calls.active() + "/" + l.channelLimit() + "; cps=" + calls.admittedLastSecond() + "/" + l.cpsLimit();
    }

    /**
     * A carrier gateway (trusted by address), or digest credentials (407 first). False when the
     * request was answered (challenge, 403, 400) and must not go on.
     */
    private boolean authorized(ServerTransaction tx, SipRequest request, Peer from) {
        InetAddress source = from.remote().getAddress();
        if (trustedSources.contains(source) || registrarSources.contains(source) || fromMember(from)) return true;
        // Same gate as REGISTER: a scanner learns nothing from which method it probes with.
        RequestAuthenticator.Outcome outcome = gate.admit(tx, request, from, true);
        return outcome instanceof RequestAuthenticator.Outcome.Authenticated; // else answered and counted
    }

    /** A request addressed to the switch itself: no user part, one of our addresses or our domain. */
    private boolean isForUs(SipRequest request) {
        return request.requestUri() instanceof SipUri s && s.user() == null && self.isLocal(s);
    }

    /**
     * A call a fellow member handed to us by capacity failover (forward mode): it carries a Route
     * naming us with {@code sf-failover=<member>}. It was authenticated and counted against the
     * cluster's CPS there; here it takes a channel like a new call, and is routed like one (to
     * every member's bindings), but is never handed on again.
     */
    static boolean isFailover(SipRequest request) {
        for (var r : request.routes()) {
            SipUri u = r.sipUri();
            if (u != null && u.param(FAILOVER_PARAM) != null) return true;
        }
        return false;
    }

    static final String FAILOVER_PARAM = "sf-failover";

    private static String uriHost(InetAddress a) {
        String t = io.sipfleet.sip.transport.IpLiterals.text(a);
        return t.indexOf(':') >= 0 ? "[" + t + "]" : t;
    }

    private void initial(ServerTransaction tx, SipRequest request, Peer from) {
        boolean handedOver = fromMember(from) && isFailover(request);
        boolean member = fromMember(from) && !handedOver;
        String aor = router.subscriberAor(request);
        if (aor != null && request.method() == Methods.INVITE && !member) {
            inviteToSubscriber(tx, request, from, aor, handedOver);
            return;
        }
        router.route(request, member, aor).whenComplete((decision, error) -> {
            if (error != null) {
                locationUnavailable(tx, request, error);
                return;
            }
            switch (decision) {
                case RouteDecision.Reject r -> reject(tx, request, r);
                case RouteDecision.ToUser u when member && request.method() == Methods.INVITE -> relayed(tx, request, from, u);
                case RouteDecision.ToUser u -> forwardNew(tx, request, from, u.targets(), u.aor(), null, null, 0, handedOver);
                case RouteDecision.ToCarrier c -> forwardNew(tx, request, from, List.of(c.target()),
                        c.route().name(), c.route().gateway(), c.route().name(), c.route().cpsLimit(), handedOver);
            }
        });
    }

    /**
     * The location store could not be read (a cluster's Redis down): the user may well be
     * registered, so "try later" (480 + Retry-After), as LocationStore says.
     */
    private void locationUnavailable(ServerTransaction tx, SipRequest request, Throwable error) {
        log.warn("switch: routing {} {}: location unavailable: {}", request.method(), request.callId(), error.toString());
        if (request.method() == Methods.INVITE) metrics.call("location_unavailable");
        tx.respond(Responses.create(request, 480, "Temporarily Unavailable", tx.toTag(),
                new HeaderField("Retry-After", "5")));
    }

    private void reject(ServerTransaction tx, SipRequest request, RouteDecision.Reject r) {
        tx.respond(r.status(), r.reason());
        if (request.method() == Methods.INVITE) metrics.call("rejected-" + r.status());
    }

    /**
     * A new INVITE to one of our subscribers: the callee's bindings and the call's admission in one
     * step (one round trip on a cluster's Redis, where the lookup and then the admission took two),
     * then routed as {@link Router#route} would. A callee with no live binding took nothing and
     * gets 404, unless a location-sharing peer holds one: that call is admitted now, as any other.
     */
    private void inviteToSubscriber(ServerTransaction tx, SipRequest request, Peer from, String aor, boolean handedOver) {
        calls.admitCallee(request, from, !handedOver, router.location(), aor).whenComplete((call, error) -> {
            if (error != null) {
                locationUnavailable(tx, request, error);
                return;
            }
            RouteDecision decision = router.toUser(aor, call.bindings());
            if (decision instanceof RouteDecision.ToUser u) {
                if (call.admission() == null) forwardNew(tx, request, from, u.targets(), u.aor(), null, null, 0, handedOver);
                else afterAdmission(tx, request, from, u.targets(), u.aor(), null, handedOver, call.admission(), null);
                return;
            }
            RouteDecision.Reject r = (RouteDecision.Reject) decision;
            // Bindings, but none routable (unparsable, or a member with no address): the call was
            // admitted, so it ends here like any failed call, giving its channel back.
            if (call.admission() == Admission.ADMITTED) calls.onFinal(request.callId(), r.status(), null, null);
            reject(tx, request, r);
        });
    }

    private void forwardNew(ServerTransaction tx, SipRequest request, Peer from, List<Target> targets,
                            String route, String gateway, String routeScope, int routeCps, boolean handedOver) {
        boolean dialogCreating = request.method() == Methods.INVITE || request.method() == Methods.SUBSCRIBE
                || request.method() == Methods.REFER;
        if (request.method() != Methods.INVITE) {
            proxy.forward(tx, request, from, targets, dialogCreating, CallEvents.NONE);
            return;
        }
        calls.admit(request, from, routeScope, routeCps, !handedOver).whenComplete((admission, error) ->
                afterAdmission(tx, request, from, targets, route, gateway, handedOver, admission, error));
    }

    /** A new INVITE's admission is known: forwarded, failed over to a member with room, or refused. */
    private void afterAdmission(ServerTransaction tx, SipRequest request, Peer from, List<Target> targets, String route,
                                String gateway, boolean handedOver, Admission admission, Throwable error) {
        if (error != null) {
            // Fail closed: without the shared store the cluster's limits cannot be checked, and
            // admitting blindly would let every member take its own full limit.
            log.error("switch: limits unavailable for {}", request.callId(), error);
            metrics.call("limits_unavailable");
            tx.respond(Responses.create(request, 503, "Limits Unavailable", tx.toTag(),
                    new HeaderField("Retry-After", "1")));
            return;
        }
        if (admission == Admission.MEMBER_CHANNEL_LIMIT && !handedOver) {
            memberFailover(tx, request, from);
            return;
        }
        if (admission != Admission.ADMITTED) {
            overCapacity(tx, request, admission);
            return;
        }
        calls.routed(request.callId(), route, gateway);
        metrics.call("admitted");
        calls.channelsChanged(metrics::channelsInUse);
        proxy.forward(tx, request, from, targets, true, (response, target) ->
                calls.onFinal(request.callId(), response.statusCode(),
                        target == null ? null : target.destination(), response.to().tag()));
    }

    /**
     * An INVITE a fellow member relayed to us for bindings we own: it was admitted there (CPS and
     * channel counted once, in the cluster's scope), so it is not admitted again; we track its
     * dialog (the callee's flow) without a channel and send it to our bindings' flows.
     */
    private void relayed(ServerTransaction tx, SipRequest request, Peer from, RouteDecision.ToUser u) {
        if (u.targets().isEmpty()) {
            tx.respond(480, "Temporarily Unavailable");
            return;
        }
        calls.trackRelayed(request, from);
        proxy.forward(tx, request, from, u.targets(), true, (response, target) ->
                calls.onFinal(request.callId(), response.statusCode(),
                        target == null ? null : target.destination(), response.to().tag()));
    }

    /**
     * Capacity failover inside the cluster: this member is at its own cap (memberChannelLimit) but
     * the cluster is not at its limit. The member with the most room (by the leases each holds in
     * the store) takes the call: by 302 with its address (redirect) or by forwarding it there
     * (forward, marked so it is not handed on again). Nobody with room: 503.
     */
    private void memberFailover(ServerTransaction tx, SipRequest request, Peer from) {
        SwitchConfig c = config.get();
        java.util.Map<String, java.net.InetSocketAddress> members = io.sipfleet.switching.config.ClusterMembers.of(c);
        calls.memberWithRoom(members.keySet()).whenComplete((chosen, error) -> {
            if (error != null || chosen.isEmpty()) {
                if (error != null) log.warn("switch: capacity failover of {}: member loads unavailable: {}", request.callId(), error.toString());
                overCapacity(tx, request, Admission.CHANNEL_LIMIT);
                return;
            }
            String id = chosen.get();
            java.net.InetSocketAddress to = members.get(id);
            String hostPort = uriHost(to.getAddress()) + ":" + to.getPort();
            if (c.clustering().capacityFailoverMode() == io.sipfleet.switching.config.Clustering.CapacityFailoverMode.REDIRECT) {
                metrics.call("failover_redirected");
                String user = request.requestUri() instanceof SipUri s ? s.user() : null;
                String contact = "sip:" + (user == null ? "" : user + "@") + hostPort;
                log.debug("switch: {} over this member's cap, redirected to member {} ({})", request.callId(), id, hostPort);
                tx.respond(Responses.create(request, 302, "Moved Temporarily", tx.toTag(),
                        new HeaderField("Contact", "<" + contact + ">")));
                return;
            }
            metrics.call("failover_forwarded");
            io.sipfleet.sip.message.Uri ruri = request.requestUri();
            if (ruri instanceof SipUri s && s.user() != null && self.isLocal(s) && !c.realm().equalsIgnoreCase(s.host())) {
                ruri = s.withHost(uriHost(to.getAddress())).withPort(to.getPort());
            }
            Target target = new Target(ruri, self.peerTo(io.sipfleet.sip.transport.Transport.UDP, to), "member " + id,
                    List.of("<sip:" + hostPort + ";lr;" + FAILOVER_PARAM + "=" + c.serverId() + ">"));
            calls.trackRelayed(request, from);
            proxy.forward(tx, request, from, List.of(target), true, (response, t) ->
                    calls.onFinal(request.callId(), response.statusCode(),
                            t == null ? null : t.destination(), response.to().tag()));
        });
    }

    /** The brief's capacity failover: 302 to the configured server, else 503 with the reason. */
    private void overCapacity(ServerTransaction tx, SipRequest request, Admission admission) {
        boolean cps = admission != Admission.CHANNEL_LIMIT && admission != Admission.MEMBER_CHANNEL_LIMIT;
        metrics.call(cps ? "cps_rejected" : "channel_rejected");
        if (cps) metrics.cpsRejected(admission == Admission.ROUTE_CPS_LIMIT ? "route" : "switch");
        String target = config.get().capacityFailover();
        if (target != null) {
            String user = request.requestUri() instanceof SipUri s ? s.user() : null;
            String contact = user == null ? target : target.replaceFirst("^(sips?:)", "$1" + user + "@");
            tx.respond(Responses.create(request, 302, "Moved Temporarily", tx.toTag(),
                    new HeaderField("Contact", "<" + contact + ">")));
            return;
        }
        tx.respond(Responses.create(request, 503, cps ? "Server at max CPS" : "Server at max channels", tx.toTag(),
                new HeaderField("Retry-After", cps ? "1" : "5")));
    }

    /**
     * A request inside a dialog we record-routed. The next hop is the other side's flow when we
     * know the call (NAT: the caller's private Contact is unreachable), else the Route/R-URI.
     */
    private void inDialog(ServerTransaction tx, SipRequest request, Peer from) {
        Call call = calls.find(request.callId());
        Target target = callTarget(call, request);
        if (target == null) {
            // Not a call of ours (or the caller's own early dialog): route by its Route set, but
            // only for a source that may place calls; a forged To tag is no way around the 407.
            boolean caller = call != null && call.callerAddress().equals(from.remote().getAddress());
            if (!caller && !authorized(tx, request, from)) return;
            target = router.nextHop(request, from.transport());
        }
        if (target == null) {
            tx.respond(404, "Not Found");
            return;
        }
        if (request.method() == Methods.BYE) calls.onBye(request.callId(), request.from().tag());
        proxy.forward(tx, request, from, List.of(target), false, CallEvents.NONE);
    }

    /** The other side's flow in a call we carry (NAT-safe), or null. */
    private static Target callTarget(Call call, SipRequest request) {
        Peer opposite = call == null ? null : call.peerOpposite(request.from().tag());
        return opposite == null ? null : new Target(request.requestUri(), opposite, "dialog " + request.callId());
    }

    @Override public void onAck(SipRequest ack, Peer from) {
        // ACK of a 2xx: end to end, forwarded statelessly along the call (16.11). An ACK for no
        // call of ours (the ACK of a non-2xx sent with a branch of its own, an ACK after the BYE,
        // a forged one) is dropped: it cannot be challenged, and nothing waits for it.
        Target target = callTarget(calls.find(ack.callId()), ack);
        if (target != null && ack.maxForwards() != 0) proxy.forwardStateless(ack, from, target);
    }

    @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) {
        proxy.onCancel(tx);
    }

    @Override public void onResponse(ClientTransaction tx, SipResponse response) {
        var u = upstream;
        if (u != null && u.onResponse(tx, response)) return;
        if (!keepAlive.onResponse(tx, response)) proxy.onResponse(tx, response);
    }

    @Override public void onTimeout(ClientTransaction tx) {
        var u = upstream;
        if (u != null && u.onTimeout(tx)) return;
        if (!keepAlive.onTimeout(tx)) proxy.onTimeout(tx);
    }

    @Override public void onStrayResponse(SipResponse response, Peer from) {
        proxy.forwardStrayResponse(response, from);
    }

    @Override public void onTerminated(Transaction tx) {
        var u = upstream;
        if (u != null && u.onTerminated(tx)) return;
        if (!keepAlive.onTerminated(tx)) proxy.onTerminated(tx);
    }
}
