package io.sipfleet.switching;

import io.netty.util.Timeout;
import io.sipfleet.cluster.ClusterState;
import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.timer.LaneTimer;
import io.sipfleet.sip.transaction.TimerConfig;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.transport.SipTransportServer;
import io.sipfleet.switching.auth.AuthFailureGuard;
import io.sipfleet.switching.auth.AuthGate;
import io.sipfleet.switching.auth.AuthGuardFilter;
import io.sipfleet.switching.auth.SwappableUserDirectory;
import io.sipfleet.switching.calls.CallTracker;
import io.sipfleet.switching.cdr.Cdr;
import io.sipfleet.switching.cdr.CdrWriter;
import io.sipfleet.switching.cdr.EndReason;
import io.sipfleet.switching.config.ConfigHolder;
import io.sipfleet.switching.config.SwitchConfig;
import io.sipfleet.switching.keepalive.KeepAliveEvents;
import io.sipfleet.switching.keepalive.KeepAliveScheduler;
import io.sipfleet.switching.keepalive.KeepAliveSettings;
import io.sipfleet.switching.metrics.MetricsServer;
import io.sipfleet.switching.metrics.SwitchMetrics;
import io.sipfleet.sip.proxy.LocalIdentity;
import io.sipfleet.sip.proxy.ProxySettings;
import io.sipfleet.sip.proxy.StatefulProxy;
import io.sipfleet.switching.registrar.Registrar;
import io.sipfleet.switching.registrar.RegistrarEvents;
import io.sipfleet.switching.routing.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One switch: listeners, transaction layer, registrar, proxy, limits, keep-alives, CDRs and
 * metrics, assembled from a configuration snapshot. {@link #apply} takes a new snapshot without
 * dropping a call: limits, users, keep-alive and routes change in place (listen sockets and the
 * metrics port are read at start).
 */
public final class SwitchNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchNode.class);
    /** How long a stopping switch waits for registrars to answer its unregistrations. */
    static final Duration UNREGISTER_WAIT = Duration.ofSeconds(2);

    private final ConfigHolder config;
    private final ClusterState state;
    private final LaneTimer timer;
    private final List<SipTransportServer> servers = new ArrayList<>();
    private final TransactionLayer layer;
    private final SwitchMetrics metrics;
    private final MetricsServer metricsServer;
    private final CdrWriter cdr;
    private final CallTracker calls;
    private final KeepAliveScheduler keepAlive;
    private final AuthGate gate;
    private final SwappableUserDirectory users;
    private final SwitchCore core;
    private final io.sipfleet.switching.sharing.ChangeLog changes = new io.sipfleet.switching.sharing.ChangeLog(200_000);
    private final io.sipfleet.switching.sharing.PeerLocations peerLocations;
    private final byte[] nonceSecret = new byte[32];
    private final Clock clock;
    /** Null when the switch has no UDP listener to register from. */
    private final io.sipfleet.switching.upstream.UpstreamRegistrations upstream;
    private volatile Timeout housekeeping;
    private volatile Timeout leaseRefresh;
    private volatile boolean closed;

    private SwitchNode(SwitchConfig initial, ClusterState state, Clock clock,
                       io.sipfleet.sip.transport.SipEventLoops loops)
            throws IOException, io.sipfleet.switching.config.ConfigException {
        this.config = new ConfigHolder(initial);
        this.state = state;
        this.clock = clock;
        new SecureRandom().nextBytes(nonceSecret);
        // One FIFO per delay, not a wheel: see LaneTimer (the wheel walk was 14 % of the samples).
        this.timer = new LaneTimer("switch-timer", 10, TimeUnit.MILLISECONDS);
        this.metrics = new SwitchMetrics(initial.serverId());
        this.cdr = initial.cdrPath().isPresent() ? CdrWriter.open(initial.cdrPath().get()) : null;
        if (cdr != null) {
            metrics.cdrWriter(cdr);
            cdr.reopenOnHangup();
        }
        metrics.follow(config);
        for (ListenerConfig l : SwitchWiring.listeners(initial)) servers.add(new SipTransportServer(l, loops));
        SipSender sender = this::send;
        SwitchCoreHolder tu = new SwitchCoreHolder();
        this.layer = new TransactionLayer(tu, sender, timer,
                TimerConfig.defaults().withLinger(Duration.ofSeconds(initial.transactionLingerSeconds())), false);

        LocalIdentity self = new LocalIdentity(SwitchWiring.addresses(initial), initial.realm());
        this.users = new SwappableUserDirectory(SwitchWiring.users(initial));
        AuthFailureGuard guard = new AuthFailureGuard(SwitchWiring.guard(initial), clock);
        this.gate = new AuthGate(SwitchWiring.authenticator(initial, users, clock, nonceSecret(initial)), guard, timer);
        gate.clients(new io.sipfleet.switching.auth.ClientAddress(SwitchWiring.dispatchers(initial)));
        gate.onFailure(metrics::authFailure);
        metrics.authGuard(guard);
        this.keepAlive = new KeepAliveScheduler(KeepAliveSettings.from(initial), layer, this::sendKeepAlive,
                state.location(), new KeepAliveEvents() {
                    @Override public void onRtt(String aor, String contact, Duration rtt) { metrics.keepAliveRtt(rtt.toNanos()); }
                    @Override public void onLost(String aor, String contact) {
                        metrics.keepAliveLost();
                        log.info("keep-alive: {} of {} stopped answering, binding removed", contact, aor);
                    }
                });
        state.location().addListener(keepAlive);
        this.calls = new CallTracker(state.admission(), state.channels(), timer, clock, initial.serverId(),
                initial.clusterId(), SwitchWiring.limits(initial), this::callEnded);
        Router router = new Router(self, config::current, state.location(), users);
        // Location array sharing: every change to a binding we own is numbered for the peers to pull.
        // Only while sharing is on: a busy switch would otherwise churn the log for nobody. A peer
        // that starts pulling later gets a full copy first (its epoch/seq are unknown to the log).
        state.location().addListener((binding, cause) -> {
            if (sharing() && binding.memberId().equals(initial.serverId())) changes.remove(binding);
        });
        this.peerLocations = new io.sipfleet.switching.sharing.PeerLocations(() -> SwitchWiring.sharingFeeds(config.current()),
                timer, clock::millis, SwitchWiring.addresses(initial).get(0).getAddress());
        router.peerLocations(peerLocations);
        Registrar registrar = new Registrar(SwitchWiring.registrar(initial), state.location(), gate, new RegistrarEvents() {
            @Override public void onRegistered(Binding binding) {
                keepAlive.track(binding);
                if (sharing() && binding.memberId().equals(initial.serverId())) changes.put(binding);
            }
            @Override public void onRemoved(Binding binding) {}
            @Override public void onResult(String result) { metrics.registration(result); }
        }, clock, router::aorOf);
        StatefulProxy proxy = new StatefulProxy(layer, sender, self, ProxySettings.defaults(), timer);
        this.core = new SwitchCore(config::current, self, router, proxy, registrar, gate, calls, keepAlive, metrics,
                SwitchWiring.trustedSources(initial));
        core.memberSources(SwitchWiring.memberSources(initial));
        tu.core = core;
        java.net.InetSocketAddress udp = SwitchWiring.udpListener(initial);
        this.upstream = udp == null ? null
                : new io.sipfleet.switching.upstream.UpstreamRegistrations(layer, timer, udp, core::registrarSources);
        if (upstream != null) {
            upstream.statusListener(metrics::upstreamRegistrations);
            core.upstream(upstream);
        }
        core.dispatcherSources(SwitchWiring.dispatchers(initial));
        config.subscribe((previous, next) -> applied(next));
        metrics.store(state.health(), calls);
        state.health().onChange(this::storeChanged);
        this.metricsServer = MetricsServer.start(initial, metrics);
        metricsServer.route("/location/changes", new io.sipfleet.switching.sharing.LocationFeed(initial.serverId(), changes,
                state.location(), () -> SwitchWiring.memberSourcesOfSharing(config.current())));
    }

    /** Builds and starts a switch; listeners are bound when this returns. */
    public static SwitchNode start(SwitchConfig config, ClusterState state, Clock clock) {
        return start(config, state, clock, null);
    }

    /**
     * {@link #start(SwitchConfig, ClusterState, Clock)} with the listeners on {@code loops} (when
     * not null), the event loops the cluster store's client uses too: see
     * {@link io.sipfleet.sip.transport.SipEventLoops}. The caller closes them after the node.
     */
    public static SwitchNode start(SwitchConfig config, ClusterState state, Clock clock,
                                   io.sipfleet.sip.transport.SipEventLoops loops) {
        SwitchNode node;
        try {
            node = new SwitchNode(config, state, clock, loops);
        } catch (IOException e) {
            throw new UncheckedIOException("switch " + config.serverId() + " could not start: " + e.getMessage(), e);
        } catch (io.sipfleet.switching.config.ConfigException e) {
            throw new IllegalArgumentException("switch " + config.serverId() + ": " + e.getMessage(), e);
        }
        try {
            for (SipTransportServer s : node.servers) s.start(new AuthGuardFilter(node.gate.guard(), node.gate::clients, node.layer));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        node.keepAlive.start();
        node.peerLocations.start();
        node.upstream(config);
        node.housekeeping();
        node.leaseRefresh();
        log.info("switch {} up on {} (cps limit {}, channel limit {}, {} users, {} carrier routes, metrics on {})",
                config.serverId(), SwitchWiring.addresses(config), config.cpsLimit(), config.channelLimit(),
                config.sipUsers().size(), config.carrierRoutes().size(), node.metricsServer.address());
        return node;
    }

    private void upstream(SwitchConfig c) {
        if (upstream != null) upstream.apply(c.upstreamRegistrations());
        else if (!c.upstreamRegistrations().isEmpty()) {
            log.error("switch {}: {} upstream registrations configured but no UDP listener to register from; none started",
                    c.serverId(), c.upstreamRegistrations().size());
        }
    }

    /** The upstream registrations (null without a UDP listener). */
    public io.sipfleet.switching.upstream.UpstreamRegistrations upstreamRegistrations() { return upstream; }

    /** The cluster's shared nonce key when the snapshot has one, else this process's random one. */
    private byte[] nonceSecret(SwitchConfig c) {
        byte[] shared = c.nonceSecretBytes();
        return shared != null ? shared : nonceSecret;
    }

    /** Takes a new snapshot atomically; a bad one is refused and logged, the running one stays. */
    public io.sipfleet.switching.config.ApplyResult apply(SwitchConfig next) { return config.apply(next); }

    private void applied(SwitchConfig next) {
        calls.limits(SwitchWiring.limits(next));
        users.replace(SwitchWiring.users(next));
        gate.replace(SwitchWiring.authenticator(next, users, clock, nonceSecret(next)));
        gate.clients().dispatchers(SwitchWiring.dispatchers(next));
        core.dispatcherSources(SwitchWiring.dispatchers(next));
        keepAlive.apply(KeepAliveSettings.from(next));
        core.trustedSources(SwitchWiring.trustedSources(next));
        core.memberSources(SwitchWiring.memberSources(next));
        upstream(next);
        log.info("switch {}: snapshot version {} applied", next.serverId(), next.version());
    }

    /**
     * The cluster's store went or came back. Going: say what new calls get meanwhile. Back: the
     * leases of the calls carried meanwhile are put back at once (not at the next refresh), so
     * the cluster's channel count is exact again as soon as the store answers.
     */
    private void storeChanged(boolean up) {
        SwitchConfig c = config.current();
        if (c.clusterId() == null) return;
        if (up) {
            log.info("switch {}: cluster store back; re-asserting the channel leases of {} calls and the bindings it owns",
                    c.serverId(), calls.active());
            calls.refreshLeases();
            List<Binding> owned = new ArrayList<>();
            keepAlive.forEachTracked(b -> { if (b.memberId().equals(c.serverId())) owned.add(b); });
            new io.sipfleet.switching.registrar.BindingRestorer(state.location(), clock::millis).restore(owned);
        } else if (c.clustering().storeFailMode() == io.sipfleet.switching.config.Clustering.StoreFailMode.OPEN) {
            log.warn("switch {}: cluster store down; storeFailMode open: new calls admitted on this member's share"
                    + " of the limits, REGISTER answered 500 until it is back", c.serverId());
        } else {
            log.warn("switch {}: cluster store down; storeFailMode closed: new calls get 503 Limits Unavailable,"
                    + " REGISTER 500, until it is back", c.serverId());
        }
    }

    /** UAC location array sharing is on: un-clustered, locationSharing true. */
    private boolean sharing() {
        SwitchConfig c = config.current();
        return c.clusterId() == null && c.locationSharing();
    }

    /**
     * A call ended (channel released): its CDR, its outcome counted, the channel gauge soon rather
     * than at the next sweep (at once in memory, within 100 ms from a shared store).
     */
    private void callEnded(Cdr c) {
        if (cdr != null) cdr.write(c);
        metrics.call(outcome(c));
        calls.channelsChanged(metrics::channelsInUse);
    }

    /** {@code sipfleet_calls_total{result}} of an ended call: answered, cancelled, timeout or failed. */
    static String outcome(Cdr c) {
        if (c.answerTime() != null) return "answered";
        if (EndReason.CANCEL.equals(c.endReason())) return "cancelled";
        if (c.finalStatus() == 408 || EndReason.SESSION_TIMEOUT.equals(c.endReason())) return "timeout";
        return "failed";
    }

    /** Sends through the listener the message leaves from (the peer's local address). */
    private void send(SipMessage message, Peer to) {
        serverFor(to).send(message, to);
    }

    private void sendKeepAlive(Peer to) { serverFor(to).sendKeepAlive(to); }

    private SipTransportServer serverFor(Peer to) {
        if (servers.size() > 1 && to.local() != null) {
            for (SipTransportServer s : servers) {
                ListenerConfig c = s.config();
                if (c.bindAddress().equals(to.local().getAddress()) && c.port() == to.local().getPort()) return s;
            }
        }
        return servers.get(0);
    }

    /** Every 5 s: expired bindings, CPS windows and leases swept; gauges (leases: {@link #leaseRefresh}). */
    private void housekeeping() {
        housekeeping = timer.newTimeout(new io.netty.util.TimerTask() {
            @Override public void run(Timeout t) {
                try {
                    state.sweep();
                    gate.guard().sweep();
                    state.location().count().thenAccept(n -> metrics.bindings(n));
                    calls.channelsInUse().thenAccept(n -> metrics.channelsInUse(n));
                    metrics.authBlockedSources(gate.guard().blockedSources());
                    metrics.transactionsActive("server", layer.activeServerTransactions());
                    metrics.transactionsActive("client", layer.activeClientTransactions());
                } catch (RuntimeException e) {
                    log.error("switch housekeeping failed", e);
                } finally {
                    if (!closed) {
                        try {
                            housekeeping = timer.newTimeout(this, 5, TimeUnit.SECONDS);
                        } catch (IllegalStateException stopped) {
                            // closing
                        }
                    }
                }
            }
        }, 5, TimeUnit.SECONDS);
    }

    /**
     * Every TTL/3 (the channel lease TTL of the state; 30 s for the default 90 s): the leases of
     * the live calls refreshed, so a lease survives two missed refreshes and a dead member's
     * channels are freed by the store within one TTL of its last refresh.
     */
    private void leaseRefresh() {
        long period = Math.max(100, state.channels().leaseTtl().toMillis() / 3);
        leaseRefresh = timer.newTimeout(new io.netty.util.TimerTask() {
            @Override public void run(Timeout t) {
                try {
                    calls.refreshLeases();
                } catch (RuntimeException e) {
                    log.error("switch: channel lease refresh failed", e);
                } finally {
                    if (!closed) {
                        try {
                            leaseRefresh = timer.newTimeout(this, period, TimeUnit.MILLISECONDS);
                        } catch (IllegalStateException stopped) {
                            // closing
                        }
                    }
                }
            }
        }, period, TimeUnit.MILLISECONDS);
    }

    public SwitchConfig config() { return config.current(); }

    public ConfigHolder configHolder() { return config; }

    public CallTracker calls() { return calls; }

    public KeepAliveScheduler keepAlive() { return keepAlive; }

    public SwitchMetrics metrics() { return metrics; }

    public MetricsServer metricsServer() { return metricsServer; }

    public TransactionLayer transactions() { return layer; }

    /** Counters of each SIP listener (messages received and sent, drops), in listen order. */
    public List<io.sipfleet.sip.transport.TransportStats> transportStats() {
        return servers.stream().map(SipTransportServer::stats).toList();
    }

    public ClusterState state() { return state; }

    /** The bindings of the location sharing peers, as pulled from them. */
    public io.sipfleet.switching.sharing.PeerLocations peerLocations() { return peerLocations; }

    /** The numbered changes of this switch's own bindings, served to its location sharing peers. */
    public io.sipfleet.switching.sharing.ChangeLog locationChanges() { return changes; }

    @Override public void close() {
        closed = true;
        // Before the listeners close: the Expires: 0 REGISTERs and their answers need them.
        if (upstream != null) upstream.close(UNREGISTER_WAIT);
        for (SipTransportServer s : servers) s.close();
        peerLocations.close();
        keepAlive.close();
        calls.endAll(EndReason.SHUTDOWN);
        layer.close();
        if (housekeeping != null) housekeeping.cancel();
        if (leaseRefresh != null) leaseRefresh.cancel();
        timer.stop();
        if (cdr != null) cdr.close();
        if (metricsServer != null) metricsServer.close();
        log.info("switch {} stopped", config.current().serverId());
    }

    /** Breaks the construction cycle: the layer needs its TU before the TU (which needs the layer) exists. */
    private static final class SwitchCoreHolder implements io.sipfleet.sip.transaction.TransactionUser {
        volatile SwitchCore core;

        @Override public void onRequest(io.sipfleet.sip.transaction.ServerTransaction tx, io.sipfleet.sip.message.SipRequest r) { core.onRequest(tx, r); }
        @Override public void onAck(io.sipfleet.sip.message.SipRequest ack, Peer from) { core.onAck(ack, from); }
        @Override public void onCancel(io.sipfleet.sip.transaction.InviteServerTransaction tx, io.sipfleet.sip.message.SipRequest c) { core.onCancel(tx, c); }
        @Override public void onResponse(io.sipfleet.sip.transaction.ClientTransaction tx, io.sipfleet.sip.message.SipResponse r) { core.onResponse(tx, r); }
        @Override public void onTimeout(io.sipfleet.sip.transaction.ClientTransaction tx) { core.onTimeout(tx); }
        @Override public void onStrayResponse(io.sipfleet.sip.message.SipResponse r, Peer from) { core.onStrayResponse(r, from); }
        @Override public void onTerminated(io.sipfleet.sip.transaction.Transaction tx) { core.onTerminated(tx); }
    }
}
