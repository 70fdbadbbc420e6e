package io.sipfleet.dispatching;

import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.TelUri;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.Methods;
import io.sipfleet.sip.proxy.CallEvents;
import io.sipfleet.sip.proxy.LocalIdentity;
import io.sipfleet.sip.proxy.SerialPolicy;
import io.sipfleet.sip.proxy.StatefulProxy;
import io.sipfleet.sip.proxy.Target;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.IpLiterals;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.ResponseRouting;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's transaction user. Initial requests (no To tag) go to a switch the algorithm
 * picks among the healthy ones, with serial failover to the others; in-dialog requests follow
 * their Route set (the switch that recorded itself holds the dialog); ACKs of 2xx pass
 * statelessly. The dispatcher never relays between two addresses that are both outside the
 * cluster: an in-dialog request must come from a switch or go to one.
 *
 * <p>REGISTER through the dispatcher (RFC 3327 Path, as Kamailio does): a REGISTER from outside
 * gets {@code Path: <sip:US;lr;flow=UA_IP~UA_PORT~udp>} ({@link FlowToken}); the switch stores it
 * and sends requests for that binding to us with it as their Route. A request from a switch
 * whose top Route is ours with a flow goes to that flow (the UA), from our listener. Initial
 * dialog-creating requests from outside are record-routed the same way (the caller's flow), so
 * requests the switch sends back to the caller also reach it through its NAT pinhole.
 *
 * <p>Only INVITEs are transaction-stateful (they may fail over to the next switch, and CANCEL
 * must find them); ACKs of 2xx and every other request (REGISTER, OPTIONS, BYE, in-dialog
 * requests ...) are forwarded statelessly (RFC 3261 16.11): no transaction, the Via branch
 * derived from the incoming one so a retransmission is forwarded the same way, the response
 * relayed by its Via when it comes back. A stateless request goes to one switch chosen by hash
 * (AoR for REGISTER, else Call-ID), so its retransmissions reach the same switch.
 */
final class DispatcherCore implements TransactionUser {
    private static final Logger log = LoggerFactory.getLogger(DispatcherCore.class);
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, PRACK, MESSAGE, REFER, NOTIFY, SUBSCRIBE";

    private final LocalIdentity self;
    private final StatefulProxy proxy;
    private final SipSender sender;
    private final HealthProber prober;
    private final OptionsProbes probes;
    private final DispatcherMetrics metrics;
    private final SerialPolicy policy = new Failover();
    private volatile DispatchPlan plan;
    /**
     * Every switch address of this plan and of earlier ones: a switch removed by a reload still
     * carries calls, whose in-dialog requests must still pass (never selected for new ones).
     * Grows only with the switches ever configured.
     */
    private final Set<InetSocketAddress> switchAddresses = ConcurrentHashMap.newKeySet();
    private final Set<InetAddress> switchIps = ConcurrentHashMap.newKeySet();
    /**
     * The same as arrays, read on every message (several times): a scan of a few entries is
     * cheaper than a hash lookup, and a reload publishes new arrays in one write.
     */
    private volatile InetSocketAddress[] switchAddressList = new InetSocketAddress[0];
    private volatile InetAddress[] switchIpList = new InetAddress[0];

    DispatcherCore(DispatchPlan plan, LocalIdentity self, StatefulProxy proxy, SipSender sender,
                   HealthProber prober, OptionsProbes probes, DispatcherMetrics metrics) {
        this.self = self;
        this.proxy = proxy;
        this.sender = sender;
        this.prober = prober;
        this.probes = probes;
        this.metrics = metrics;
        plan(plan);
    }

    /** Swaps in a new plan (config reload): requests from now on use it, those in progress keep theirs. */
    void plan(DispatchPlan next) {
        for (Destination d : next.destinations()) {
            switchAddresses.add(d.address());
            switchIps.add(d.address().getAddress());
        }
        switchAddressList = switchAddresses.toArray(new InetSocketAddress[0]);
        switchIpList = switchIps.toArray(new InetAddress[0]);
        this.plan = next;
    }

    DispatchPlan plan() { return plan; }

    /** True for a switch's address: exempt from rate limiting, trusted as the source of in-dialog requests. */
    boolean isSwitch(InetAddress a) {
        for (InetAddress s : switchIpList) if (s.equals(a)) return true;
        return false;
    }

    private boolean isSwitchAddress(InetSocketAddress a) {
        for (InetSocketAddress s : switchAddressList) if (s.equals(a)) return true;
        return false;
    }

    /** Methods forwarded without transactions: all but INVITE, and CANCEL/ACK, which the transaction layer sorts out. */
    static boolean stateless(String method) {
        return method != Methods.INVITE && method != Methods.CANCEL && method != Methods.ACK;
    }

    /** A request handled without a transaction ({@link #stateless}): the transport's handler calls this. */
    void onStatelessRequest(SipRequest request, Peer from, SipSender replies) {
        try {
            handle(null, request, from, replies);
        } catch (RuntimeException e) {
            log.error("dispatcher: {} {} from {} failed", request.method(), request.callId(), from.remote(), e);
            answer(null, request, from, replies, 500, "Server Internal Error");
        }
    }

    @Override public void onRequest(ServerTransaction tx, SipRequest request) {
        handle(tx, request, tx.peer(), sender);
    }

    /** {@code tx}: the INVITE's server transaction, or null when forwarded statelessly. */
    private void handle(ServerTransaction tx, SipRequest request, Peer from, SipSender replies) {
        String method = request.method();
        metrics.request(method);
        boolean inDialog = request.to().tag() != null;
        if (request.maxForwards() == 0 && !isForUs(request)) {
            reject(tx, request, from, replies, 483, "Too Many Hops"); // RFC 3261 16.3 step 3
            return;
        }
        if (!inDialog && method == Methods.OPTIONS && isForUs(request)) {
            answer(tx, request, from, replies, 200, "OK", new HeaderField("Allow", ALLOW));
            return;
        }
        if (!(request.requestUri() instanceof SipUri) && !(request.requestUri() instanceof TelUri)) {
            reject(tx, request, from, replies, 416, "Unsupported URI Scheme");
            return;
        }
        NameAddr flowRoute = flowRoute(request, from);
        if (flowRoute != null) {
            // Checked before the Via loop test: a request for a UA that registered through us comes
            // back through us from the switch (a spiral, RFC 3261 16.3 step 4), not a loop.
            toFlow(tx, request, from, replies, flowRoute, inDialog);
            return;
        }
        if (viaLoop(request)) {
            // Our own Via below the top: the request went through us already and came back.
            reject(tx, request, from, replies, 482, "Loop Detected");
            return;
        }
        if (inDialog) inDialog(tx, request, from, replies);
        else initial(tx, request, from, replies);
    }

    private boolean isForUs(SipRequest request) {
        return request.requestUri() instanceof SipUri s && s.user() == null && self.isLocal(s);
    }

    private boolean viaLoop(SipRequest request) {
        for (Via v : request.vias()) {
            if (self.isListener(v.host(), v.port())) return true;
        }
        return false;
    }

    /**
     * The switches an initial request may go to, the chosen one first: those up; when none is and
     * the plan says whenAllDown "try-all", all of them (see {@link DispatcherConfig#whenAllDown}).
     */
    private List<Destination> order(DispatchPlan p, SipRequest request, boolean stateful) {
        List<Destination> up = order(p, request, stateful, prober::isUp);
        if (!up.isEmpty() || !p.tryAllWhenAllDown() || p.destinations().isEmpty()) return up;
        metrics.allDown(); // the node logs when every switch went down (DispatcherNode.onHealthChange)
        return order(p, request, stateful, d -> true);
    }

    private List<Destination> order(DispatchPlan p, SipRequest request, boolean stateful, Predicate<Destination> usable) {
        Selector selector = p.selector();
        String method = request.method();
        if (method == Methods.REGISTER) return selector.byKey(aorOf(request), usable);
        if (!stateful) return selector.byKey(request.callId(), usable); // retransmissions: same switch
        return switch (p.algorithm()) {
            case ROUND_ROBIN -> selector.roundRobin(usable);
            case WEIGHTED -> selector.weighted(usable);
            case CALL_ID_HASH -> selector.byKey(request.callId(), usable);
            case AOR_HASH -> selector.byKey(aorOf(request), usable);
            case LEAST_LOADED -> selector.leastLoaded(usable, prober);
        };
    }

    private void initial(ServerTransaction tx, SipRequest request, Peer from, SipSender replies) {
        DispatchPlan p = plan;
        String method = request.method();
        List<Destination> order = order(p, request, tx != null);
        if (order.isEmpty()) {
            reject(tx, request, from, replies, 503, "No Switch Available", new HeaderField("Retry-After", "5"));
            return;
        }
        boolean dialogCreating = method == Methods.INVITE || method == Methods.SUBSCRIBE || method == Methods.REFER;
        boolean outside = !isSwitch(from.remote().getAddress());
        if (p.refusal() != null && outside && method == Methods.INVITE) {
            // Expired or suspended by the control plane (billing): no new calls, like the switch.
            reject(tx, request, from, replies, 503, p.refusal());
            return;
        }
        SipRequest out = request;
        if (outside && method == Methods.REGISTER) {
            // RFC 3327: the switch stores this Path with the binding and reaches the UA through us.
            out = withOwnEntries(request, HeaderName.PATH, from);
        } else if (outside && dialogCreating && p.recordRoute() && tx == null) {
            // Our Record-Route names the caller's flow: requests the switch sends it later come to
            // us and go to that flow (NAT-safe), see toFlow. (An INVITE gets it below, in the proxy's copy.)
            out = withOwnEntries(request, HeaderName.RECORD_ROUTE, from);
        }
        if (tx == null) {
            proxy.forwardStateless(out, from, target(request, order.get(0)));
            return;
        }
        List<Target> targets = new ArrayList<>(order.size());
        for (Destination d : order) targets.add(target(request, d));
        if (method == Methods.INVITE) {
            prober.sent(order.get(0));
            metrics.offered(order.get(0));
        }
        // Our Record-Route for an outside caller goes into the proxy's own copy: one copy per attempt.
        java.util.function.Consumer<io.sipfleet.sip.message.MessageEditor> own = outside && dialogCreating && p.recordRoute()
                ? edit -> addOwnEntries(edit, HeaderName.RECORD_ROUTE, from) : null;
        proxy.forwardSerial(tx, request, from, targets, policy, dialogCreating && !outside && p.recordRoute(), own,
                CallEvents.NONE);
    }

    /**
     * {@code request} with our Path or Record-Route: {@code <sip:OUR_IP:PORT;lr;flow=UA_IP~UA_PORT~udp>}
     * for the listener {@code from} arrived on. A UA on TCP gets two entries (RFC 5658 double
     * Record-Route): the top one, which the switch uses, over UDP like everything between us and
     * the switches; below it the UA's, with transport=tcp and the flow, which the UA uses.
     */
    private SipRequest withOwnEntries(SipRequest request, HeaderName header, Peer from) {
        return (SipRequest) addOwnEntries(request.edit(), header, from).build();
    }

    private io.sipfleet.sip.message.MessageEditor addOwnEntries(io.sipfleet.sip.message.MessageEditor edit, HeaderName header,
                                                             Peer from) {
        edit.addFirst(header, flowEntry(from.local(), from.transport(), FlowToken.encode(from)));
        if (from.transport() != Transport.UDP) edit.addFirst(header, self.recordRoute(from.local(), Transport.UDP));
        return edit;
    }

    private String flowEntry(InetSocketAddress local, Transport transport, String flow) {
        String rr = self.recordRoute(local, transport);
        return rr.substring(0, rr.length() - 1) + ";" + FlowToken.PARAM + "=" + flow + ">";
    }

    /**
     * Among the Route entries of ours on top (one, or two for a UA on TCP), the one carrying a
     * flow, when the request comes from one of our switches (only they may send through a flow:
     * no open relay); else null.
     */
    private NameAddr flowRoute(SipRequest request, Peer from) {
        List<NameAddr> routes = request.routes();
        if (routes.isEmpty() || !isSwitch(from.remote().getAddress())) return null;
        for (NameAddr route : routes) {
            SipUri u = route.sipUri();
            if (u == null || !self.isLocal(u)) return null;
            if (u.params().has(FlowToken.PARAM)) return route;
        }
        return null;
    }

    /** The UA's flow named by our top Route, or null when it is malformed or one of ours (a loop). */
    private Peer flowPeer(NameAddr route) {
        FlowToken.Decoded f = FlowToken.decode(route.sipUri().param(FlowToken.PARAM));
        if (f == null || self.isListener(f.address()) || isSwitchAddress(f.address())
                || isSwitch(f.address().getAddress())) {
            return null;
        }
        return new Peer(f.transport(), f.address(), self.listenerFor(f.address()), 0);
    }

    /**
     * A switch sends a request for a UA that registered (Path) or called (Record-Route) through
     * us: pop our Route (the proxy does) and send it to the UA's flow from our own listener. A
     * dialog-creating request gets our Record-Route with the same flow, so the rest of the dialog
     * from the switch's side comes back through us too.
     */
    private void toFlow(ServerTransaction tx, SipRequest request, Peer from, SipSender replies, NameAddr route,
                        boolean inDialog) {
        Peer to = flowPeer(route);
        if (to == null) {
            log.info("dispatcher: {} {} from {}: bad or looping flow in Route {}", request.method(), request.callId(),
                    from.remote(), route);
            reject(tx, request, from, replies, 403, "Bad Flow");
            return;
        }
        String method = request.method();
        boolean dialogCreating = !inDialog
                && (method == Methods.INVITE || method == Methods.SUBSCRIBE || method == Methods.REFER);
        SipRequest out = request;
        if (dialogCreating) {
            // The UA sees the top entry (its transport, the flow); the switch the one below (UDP).
            InetSocketAddress local = self.listenerFor(to.remote());
            io.sipfleet.sip.message.MessageEditor edit = request.edit();
            if (to.transport() != Transport.UDP) edit.addFirst(HeaderName.RECORD_ROUTE, self.recordRoute(local, Transport.UDP));
            edit.addFirst(HeaderName.RECORD_ROUTE, flowEntry(local, to.transport(), route.sipUri().param(FlowToken.PARAM)));
            out = (SipRequest) edit.build();
        }
        Target t = new Target(request.requestUri(), to, "flow " + to.remote());
        if (tx == null) proxy.forwardStateless(out, from, t);
        else proxy.forward(tx, out, from, List.of(t), false, CallEvents.NONE);
    }

    /** The AoR a request is for (To): a REGISTER's binding, a call's callee. */
    static String aorOf(SipRequest request) {
        NameAddr to = request.to();
        SipUri s = to.sipUri();
        return s != null ? s.aor() : to.uri().toString();
    }

    private Target target(SipRequest request, Destination d) {
        return new Target(request.requestUri(), peer(d.address()), d.uri());
    }

    private Peer peer(InetSocketAddress to) {
        return new Peer(Transport.UDP, to, self.listenerFor(to), 0);
    }

    /**
     * In-dialog: pop our Route entries (the proxy does), then the next Route, else the
     * Request-URI, is the next hop. Only between a switch and the outside, never outside to outside.
     */
    private void inDialog(ServerTransaction tx, SipRequest request, Peer from, SipSender replies) {
        InetSocketAddress hop = nextHop(request);
        if (hop == null) {
            reject(tx, request, from, replies, 404, "Not Found");
            return;
        }
        if (!isSwitch(from.remote().getAddress()) && !isSwitchAddress(hop)) {
            reject(tx, request, from, replies, 403, "Relaying Denied");
            return;
        }
        if (self.isListener(hop)) {
            reject(tx, request, from, replies, 482, "Loop Detected");
            return;
        }
        Target t = new Target(request.requestUri(), peer(hop), "dialog");
        if (tx == null) proxy.forwardStateless(request, from, t);
        else proxy.forward(tx, request, from, List.of(t), false, CallEvents.NONE);
    }

    /** The first Route that is not ours, else the Request-URI; null if not an IP literal (no DNS here). */
    private InetSocketAddress nextHop(SipRequest request) {
        SipUri next = null;
        for (NameAddr route : request.routes()) {
            SipUri u = route.sipUri();
            if (u != null && self.isLocal(u)) continue;
            next = u;
            break;
        }
        if (next == null && request.requestUri() instanceof SipUri s) next = s;
        if (next == null) return null;
        String host = next.host().startsWith("[") ? next.host().substring(1, next.host().length() - 1) : next.host();
        InetAddress ip = IpLiterals.parse(host);
        return ip == null ? null : new InetSocketAddress(ip, next.portOrDefault());
    }

    private void reject(ServerTransaction tx, SipRequest request, Peer from, SipSender replies, int status, String reason,
                        HeaderField... extra) {
        metrics.rejected(status);
        answer(tx, request, from, replies, status, reason, extra);
    }

    /** Our own answer: through the server transaction, or (stateless) straight back by the Via. */
    private void answer(ServerTransaction tx, SipRequest request, Peer from, SipSender replies, int status, String reason,
                        HeaderField... extra) {
        if (tx != null) {
            tx.respond(Responses.create(request, status, reason, tx.toTag(), extra));
            return;
        }
        // A tag from the branch: a retransmitted request gets the same answer (RFC 3261 8.2.6.2).
        Via top = request.topVia();
        String tag = Long.toHexString(Hashing.fnv1a64(top == null || top.branch() == null ? request.callId() : top.branch()));
        SipResponse r = Responses.create(request, status, reason, tag, extra);
        Peer to = ResponseRouting.destination(r, from);
        if (to != null) replies.send(r, to);
    }

    @Override public void onAck(SipRequest ack, Peer from) {
        // ACK of a 2xx: end to end, statelessly along the route (16.11), same relay rule as any in-dialog request.
        if (ack.maxForwards() == 0) return;
        NameAddr flowRoute = flowRoute(ack, from);
        if (flowRoute != null) {
            Peer to = flowPeer(flowRoute);
            if (to != null) proxy.forwardStateless(ack, from, new Target(ack.requestUri(), to, "ack flow"));
            return;
        }
        InetSocketAddress hop = nextHop(ack);
        if (hop == null || self.isListener(hop)) return;
        if (!isSwitch(from.remote().getAddress()) && !isSwitchAddress(hop)) return;
        proxy.forwardStateless(ack, from, new Target(ack.requestUri(), peer(hop), "ack"));
    }

    @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) { proxy.onCancel(tx); }

    @Override public void onResponse(ClientTransaction tx, SipResponse response) {
        if (!probes.onResponse(tx, response)) {
            prober.heard(tx.peer().remote());
            proxy.onResponse(tx, response);
        }
    }

    @Override public void onTimeout(ClientTransaction tx) {
        if (!probes.onTimeout(tx)) proxy.onTimeout(tx);
    }

    /**
     * Responses to what we forwarded statelessly, and late 2xx retransmissions: by the next Via,
     * over ITS transport (the one the request came to us on), not the one the response came in
     * on: a UA on TCP is reached over its connection, found by the address it sent from (the
     * Via's received and rport); a switch over UDP even when the response came from a TCP UA.
     */
    @Override public void onStrayResponse(SipResponse response, Peer from) {
        prober.heard(from.remote());
        List<Via> vias = response.vias();
        if (vias.size() < 2 || !isOurs(vias.get(0))) return;
        Via next = vias.get(1);
        Transport t = Transport.fromVia(next.transport());
        if (t == from.transport()) {
            proxy.forwardStrayResponse(response, from);
            return;
        }
        SipResponse up = (SipResponse) response.edit().removeFirstValue(HeaderName.VIA).build();
        Peer to;
        if (t == Transport.TCP) {
            InetAddress ip = IpLiterals.parse(next.received() != null ? next.received() : next.host());
            if (ip == null) return;
            InetSocketAddress ua = new InetSocketAddress(ip, next.rport() > 0 ? next.rport() : next.portOrDefault());
            to = new Peer(Transport.TCP, ua, self.listenerFor(ua), 0);
        } else if (t == Transport.UDP) {
            to = ResponseRouting.destination(next, new Peer(Transport.UDP, from.remote(), self.listenerFor(from.remote()), 0));
        } else {
            return; // TLS/WS: not on the dispatcher
        }
        if (to != null) sender.send(up, to);
    }

    private boolean isOurs(Via via) {
        if (via.host() == null) return false;
        String host = via.host().startsWith("[") ? via.host().substring(1, via.host().length() - 1) : via.host();
        InetAddress ip = IpLiterals.parse(host);
        return ip != null && self.isListener(new InetSocketAddress(ip, via.port() < 0 ? 5060 : via.port()));
    }

    @Override public void onTerminated(Transaction tx) {
        if (!probes.onTerminated(tx)) proxy.onTerminated(tx);
    }

    /**
     * When an initial request goes on to the next switch: a timeout or a configured code; a 3xx
     * pointing at another switch of ours (its capacity failover) is followed here, so the caller
     * never sees it. When every switch refused, the caller gets 503 with Retry-After. A switch
     * that stayed silent is probed at once: it may have died.
     */
    private final class Failover implements SerialPolicy {
        @Override public boolean failover(SipResponse response, Target target) {
            int code = response.statusCode();
            boolean move = plan.failoverCodes().contains(code) || code == 408 || redirectDestination(response) != null;
            if (move) {
                Destination d = plan.byAddress().get(target.destination().remote());
                if (d != null) metrics.failover(d, code);
            }
            if (code == 408) prober.probeNow(target.destination().remote());
            return move;
        }

        @Override public Target redirect(SipResponse response, Target from) {
            Destination d = redirectDestination(response);
            if (d == null || !(prober.isUp(d) || plan.tryAllWhenAllDown() && !prober.anyUp())) return null;
            return new Target(from.requestUri(), peer(d.address()), d.uri());
        }

        @Override public SipResponse exhausted(ServerTransaction tx, SipResponse last) {
            metrics.rejected(503);
            log.debug("dispatcher: every switch refused {} (last {})", last.callId(), last.statusCode());
            SipRequest r = tx.request();
            if (r == null) return null;
            // Every switch was full: pass on the last one's reason ("Server at max CPS") and its
            // Retry-After, which know better than we do when capacity comes back.
            String retry = last.statusCode() == 503 ? last.header("Retry-After") : null;
            if (retry != null && !retry.isBlank()) {
                return Responses.create(r, 503, last.reason(), tx.toTag(), new HeaderField("Retry-After", retry.trim()));
            }
            return Responses.create(r, 503, "All Switches Busy", tx.toTag(), new HeaderField("Retry-After", "5"));
        }

        @Override public Duration noAnswerTimeout() { return plan.noAnswer(); }
    }

    /** The switch of ours a 3xx's first Contact points at, or null. */
    private Destination redirectDestination(SipResponse response) {
        int code = response.statusCode();
        if (code < 300 || code >= 400 || response.contacts().isEmpty()) return null;
        SipUri c = response.contacts().get(0).sipUri();
        if (c == null) return null;
        String host = c.host().startsWith("[") ? c.host().substring(1, c.host().length() - 1) : c.host();
        InetAddress ip = IpLiterals.parse(host);
        return ip == null ? null : plan.byAddress().get(new InetSocketAddress(ip, c.portOrDefault()));
    }
}
