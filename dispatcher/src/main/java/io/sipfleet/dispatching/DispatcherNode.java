package io.sipfleet.dispatching;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.proxy.LocalIdentity;
import io.sipfleet.sip.proxy.ProxySettings;
import io.sipfleet.sip.proxy.StatefulProxy;
import io.sipfleet.sip.timer.LaneTimer;
import io.sipfleet.sip.transaction.TimerConfig;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transport.AllowList;
import io.sipfleet.sip.transport.IpLiterals;
import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipTransportServer;
import io.sipfleet.sip.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatcher: listeners, rate limiter, stateless front, transaction layer, serial-failover
 * proxy, health probes, metrics and status, assembled from a snapshot. {@link #reload} applies a
 * new snapshot's routing (switches, algorithm, weights, probing, failover codes, rate limit) in
 * one swap while calls go on; listeners and the metrics socket need a restart.
 */
public final class DispatcherNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DispatcherNode.class);
    /** Sources tracked by the rate limiter at most (about 100 bytes each). */
    static final int MAX_TRACKED_SOURCES = 100_000;

    private volatile DispatcherConfig config;
    private final OptionsProbes probes;
    private final DispatcherCore core;
    private final LaneTimer timer;
    private final List<SipTransportServer> servers = new ArrayList<>();
    private final TransactionLayer layer;
    private final HealthProber prober;
    private final SourceRateLimiter limiter;
    private final DispatcherMetrics metrics;
    private final StatusServer status;
    private final StatefulProxy proxy;
    private volatile Timeout probeRound;
    private volatile boolean closed;

    private DispatcherNode(DispatcherConfig config) throws IOException {
        this.config = config;
        // The switch's timer (see LaneTimer): a cancelled timeout leaves at once, and expiry walks
        // nothing that is not due; Netty's wheel kept every pending INVITE's Timer B and linger
        // entries in buckets walked each turn.
        this.timer = new LaneTimer("dispatcher-timer", 10, TimeUnit.MILLISECONDS);
        AllowList allow = AllowList.parse(String.join(",", config.allowedDestinations()));
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (DispatcherConfig.Listen l : config.listen()) {
            InetAddress ip = IpLiterals.parse(l.address());
            EnumSet<Transport> transports = EnumSet.noneOf(Transport.class);
            l.transports().forEach(t -> transports.add(Transport.valueOf(t.toUpperCase(Locale.ROOT))));
            servers.add(new SipTransportServer(ListenerConfig.of(ip, l.port()).withTransports(transports).withAllowList(allow)));
            addresses.add(new InetSocketAddress(ip, l.port()));
        }
        DispatchPlan plan = DispatchPlan.of(config);
        LocalIdentity self = new LocalIdentity(addresses, addresses.get(0).getAddress().getHostAddress());
        CoreHolder tu = new CoreHolder();
        this.layer = new TransactionLayer(tu, this::send, timer,
                TimerConfig.defaults().withLinger(java.time.Duration.ofSeconds(config.transactionLingerSeconds())), false);
        this.probes = new OptionsProbes(layer, self, config.serverId(), timer, config.probe().timeoutMillis());
        this.proxy = new StatefulProxy(layer, this::send, self, ProxySettings.defaults(), timer);
        this.prober = new HealthProber(plan.destinations(), config.probe().failuresToDown(), config.probe().successesToUp(),
                probes, this::onHealthChange);
        probes.prober(prober);
        // The limiter exempts the core's switches; the metrics read the limiter; the core needs the metrics.
        this.limiter = new SourceRateLimiter(config.maxSourceRate(), MAX_TRACKED_SOURCES,
                a -> tu.core != null && tu.core.isSwitch(a), new StatelessFront(tu, layer), System::nanoTime);
        this.metrics = new DispatcherMetrics(config.serverId(), limiter);
        metrics.destinations(plan.destinations(), prober);
        this.core = new DispatcherCore(plan, self, proxy, this::send, prober, probes, metrics);
        tu.core = core;
        this.status = StatusServer.start(new InetSocketAddress(IpLiterals.parse(config.metricsAddress()), config.metricsPort()),
                metrics.registry(), this::status);
    }

    /**
     * A switch went down or came back (the probes' verdict). INVITEs a switch that went down had
     * taken (a 100 Trying, even a 180) but not answered are given up there and fail over as after a
     * 408 (the next switch, or 503 if none is left), unless that left no switch up and whenAllDown
     * is "try-all": then the dispatcher keeps sending to the switches it has, so it lets those
     * INVITEs wait for their answers too.
     */
    private void onHealthChange(Destination d, boolean up) {
        String id = config.serverId();
        log.warn("dispatcher {}: switch {} is {}", id, d.uri(), up ? "UP again: back in rotation" : "DOWN: taken out of rotation");
        if (up) return;
        if (!prober.anyUp()) {
            boolean tryAll = core.plan().tryAllWhenAllDown();
            log.warn("dispatcher {}: every switch is down by its probes; {}", id, tryAll
                    ? "new requests still go to all of them (whenAllDown \"try-all\") until one answers its probes again"
                    : "new requests get 503 No Switch Available (whenAllDown \"refuse\")");
            if (tryAll) return;
        }
        int given = proxy.abandonDestination(d.address());
        if (given > 0) log.warn("dispatcher {}: {} INVITE(s) pending on {} given up there, failing over", id, given, d.uri());
    }

    /** Builds and starts a dispatcher: listeners bound and the first probe round sent when this returns. */
    public static DispatcherNode start(DispatcherConfig config) {
        DispatcherNode node;
        try {
            node = new DispatcherNode(config);
        } catch (IOException e) {
            throw new UncheckedIOException("dispatcher " + config.serverId() + " could not start: " + e.getMessage(), e);
        }
        try {
            for (SipTransportServer s : node.servers) s.start(node.limiter);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        node.probeLoop();
        log.info("dispatcher {} up on {}: {} over {} switches, probes every {} s, status at http://{}:{}/status",
                config.serverId(), config.listen().stream().map(l -> l.address() + ":" + l.port()).toList(),
                config.algorithm(), config.destinations().size(), config.probe().intervalSeconds(),
                node.status.address().getAddress().getHostAddress(), node.status.address().getPort());
        return node;
    }

    private void probeLoop() {
        TimerTask task = new TimerTask() {
            @Override public void run(Timeout t) {
                try {
                    prober.round();
                    limiter.sweep(System.nanoTime() / 1_000_000_000L);
                } catch (RuntimeException e) {
                    log.error("dispatcher probe round failed", e);
                } finally {
                    if (!closed) {
                        try {
                            probeRound = timer.newTimeout(this, config.probe().intervalSeconds(), TimeUnit.SECONDS);
                        } catch (IllegalStateException stopped) {
                            // closing
                        }
                    }
                }
            }
        };
        probeRound = timer.newTimeout(task, 0, TimeUnit.MILLISECONDS);
    }

    private void send(SipMessage message, Peer to) {
        SipTransportServer s = servers.get(0);
        if (servers.size() > 1 && to.local() != null) {
            for (SipTransportServer c : servers) {
                if (c.config().bindAddress().equals(to.local().getAddress()) && c.config().port() == to.local().getPort()) s = c;
            }
        }
        s.send(message, to);
    }

    /**
     * Applies {@code next} (a reload: SIGHUP or the file changed): all of it or nothing. Refused,
     * the running config staying, when it changes what needs a restart (serverId, listen,
     * metricsPort/metricsAddress, allowedDestinations, transactionLingerSeconds) or has a lower version, or the same version
     * with other content. Calls in progress keep the switch they are on; a switch removed from
     * the list still receives the in-dialog requests of its calls.
     */
    public synchronized ReloadResult reload(DispatcherConfig next) {
        DispatcherConfig current = config;
        if (next.equals(current)) return new ReloadResult(false, "unchanged (v" + current.version() + ")");
        java.util.List<String> restart = new java.util.ArrayList<>();
        if (!next.serverId().equals(current.serverId())) restart.add("serverId");
        if (!next.listen().equals(current.listen())) restart.add("listen");
        if (!next.metricsPort().equals(current.metricsPort())) restart.add("metricsPort");
        if (!java.util.Objects.equals(next.metricsAddress(), current.metricsAddress())) restart.add("metricsAddress");
        if (!next.allowedDestinations().equals(current.allowedDestinations())) restart.add("allowedDestinations");
        if (!next.transactionLingerSeconds().equals(current.transactionLingerSeconds())) restart.add("transactionLingerSeconds");
        String refused = null;
        if (!restart.isEmpty()) refused = "changes " + restart + ", which need a restart";
        else if (next.version() < current.version()) refused = "version " + next.version() + " is older than the running " + current.version();
        else if (next.version() == current.version()) refused = "same version " + next.version() + " with other content: bump the version";
        if (refused != null) {
            log.warn("dispatcher {}: config v{} refused: {}; still running v{}", current.serverId(), next.version(), refused,
                    current.version());
            return new ReloadResult(false, refused);
        }
        DispatchPlan plan = DispatchPlan.of(next);
        // Prober first: a new switch is known (up) before any request can pick it.
        prober.reconfigure(plan.destinations(), next.probe().failuresToDown(), next.probe().successesToUp());
        probes.timeoutMillis(next.probe().timeoutMillis());
        limiter.maxPerSecond(next.maxSourceRate());
        metrics.destinations(plan.destinations(), prober);
        core.plan(plan);
        this.config = next;
        String msg = "v" + current.version() + " -> v" + next.version() + ": " + next.algorithm() + " over "
                + plan.destinations().stream().map(Destination::uri).toList();
        log.info("dispatcher {}: config applied, {}", next.serverId(), msg);
        return new ReloadResult(true, msg);
    }

    /** What a reload did: {@code applied} false when refused or unchanged, {@code message} says which and why. */
    public record ReloadResult(boolean applied, String message) {}

    /** What {@code GET /status} shows. */
    public Object status() {
        DispatcherConfig config = this.config;
        return StatusServer.map("serverId", config.serverId(), "version", config.version(),
                "algorithm", config.algorithm(), "destinations", prober.snapshot(),
                "activeTransactions", StatusServer.map("server", layer.activeServerTransactions(),
                        "client", layer.activeClientTransactions()),
                "rateLimited", limiter.limited(), "trackedSources", limiter.trackedSources());
    }

    public boolean isUp(String destinationUri) {
        for (DestinationHealth.Snapshot s : prober.snapshot()) if (s.uri().equals(destinationUri)) return s.up();
        throw new IllegalArgumentException("no destination " + destinationUri);
    }

    public InetSocketAddress statusAddress() { return status.address(); }

    public DispatcherConfig config() { return config; }

    public long rateLimited() { return limiter.limited(); }

    @Override public void close() {
        closed = true;
        for (SipTransportServer s : servers) s.close();
        if (probeRound != null) probeRound.cancel();
        layer.close();
        timer.stop();
        if (status != null) status.close();
        log.info("dispatcher {} stopped", config.serverId());
    }

    /**
     * Requests the core forwards statelessly go to it directly (no transaction); INVITE, CANCEL,
     * ACK and every response go to the transaction layer.
     */
    private record StatelessFront(CoreHolder tu, TransactionLayer layer) implements io.sipfleet.sip.transport.SipHandler {
        @Override public void onMessage(io.sipfleet.sip.transport.Inbound inbound, io.sipfleet.sip.transport.SipSender replies) {
            if (inbound.message() instanceof io.sipfleet.sip.message.SipRequest r && DispatcherCore.stateless(r.method())) {
                tu.core.onStatelessRequest(r, inbound.from(), replies);
            } else {
                layer.onMessage(inbound, replies);
            }
        }
    }

    /** Breaks the construction cycle: the layer needs its TU before the core exists. */
    private static final class CoreHolder implements io.sipfleet.sip.transaction.TransactionUser {
        volatile DispatcherCore core;

        @Override public void onRequest(io.sipfleet.sip.transaction.ServerTransaction tx, io.sipfleet.sip.message.SipRequest r) { core.onRequest(tx, r); }
        @Override public void onAck(io.sipfleet.sip.message.SipRequest ack, Peer from) { core.onAck(ack, from); }
        @Override public void onCancel(io.sipfleet.sip.transaction.InviteServerTransaction tx, io.sipfleet.sip.message.SipRequest c) { core.onCancel(tx, c); }
        @Override public void onResponse(io.sipfleet.sip.transaction.ClientTransaction tx, io.sipfleet.sip.message.SipResponse r) { core.onResponse(tx, r); }
        @Override public void onTimeout(io.sipfleet.sip.transaction.ClientTransaction tx) { core.onTimeout(tx); }
        @Override public void onStrayResponse(io.sipfleet.sip.message.SipResponse r, Peer from) { core.onStrayResponse(r, from); }
        @Override public void onTerminated(io.sipfleet.sip.transaction.Transaction tx) { core.onTerminated(tx); }
    }
}
