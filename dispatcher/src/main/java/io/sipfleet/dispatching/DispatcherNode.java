package io.sipfleet.dispatching;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.proxy.LocalIdentity;
import io.sipfleet.sip.proxy.ProxySettings;
import io.sipfleet.sip.proxy.StatefulProxy;
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
 * One dispatcher: listeners, rate limiter, transaction layer, serial-failover proxy, health
 * probes, metrics and status, assembled from a snapshot (read once at start).
 */
public final class DispatcherNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DispatcherNode.class);
    /** Sources tracked by the rate limiter at most (about 100 bytes each). */
    static final int MAX_TRACKED_SOURCES = 100_000;

    private final DispatcherConfig config;
    private final HashedWheelTimer timer;
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
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("dispatcher-timer", true), 10, TimeUnit.MILLISECONDS);
        AllowList allow = AllowList.parse(String.join(",", config.allowedDestinations()));
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (DispatcherConfig.Listen l : config.listen()) {
            InetAddress ip = IpLiterals.parse(l.address());
            EnumSet<Transport> transports = EnumSet.noneOf(Transport.class);
            l.transports().forEach(t -> transports.add(Transport.valueOf(t.toUpperCase(Locale.ROOT))));
            servers.add(new SipTransportServer(ListenerConfig.of(ip, l.port()).withTransports(transports).withAllowList(allow)));
            addresses.add(new InetSocketAddress(ip, l.port()));
        }
        List<Destination> destinations = new ArrayList<>();
        for (DispatcherConfig.Destination d : config.destinations()) destinations.add(Destination.parse(d.uri(), d.weight()));
        LocalIdentity self = new LocalIdentity(addresses, addresses.get(0).getAddress().getHostAddress());
        CoreHolder tu = new CoreHolder();
        this.layer = new TransactionLayer(tu, this::send, timer, TimerConfig.defaults(), false);
        OptionsProbes probes = new OptionsProbes(layer, self, config.serverId());
        this.prober = new HealthProber(destinations, config.probe().failuresToDown(), config.probe().successesToUp(),
                probes, (d, up) -> log.warn("dispatcher {}: switch {} is {}", config.serverId(), d.uri(),
                        up ? "UP again: back in rotation" : "DOWN: taken out of rotation"));
        probes.prober(prober);
        this.proxy = new StatefulProxy(layer, this::send, self, ProxySettings.defaults(), timer);
        Selector selector = new Selector(destinations);
        // the limiter needs the core's switch addresses; the metrics need the limiter
        java.util.Set<InetAddress> switchIps = new java.util.HashSet<>();
        for (Destination d : destinations) switchIps.add(d.address().getAddress());
        this.limiter = new SourceRateLimiter(config.maxSourceRate(), MAX_TRACKED_SOURCES, switchIps::contains, layer,
                System::nanoTime);
        this.metrics = new DispatcherMetrics(config.serverId(), limiter);
        for (Destination d : destinations) metrics.destination(d, prober);
        tu.core = new DispatcherCore(config, self, proxy, selector, prober, probes, metrics);
        this.status = StatusServer.start(new InetSocketAddress(IpLiterals.parse(config.metricsAddress()), config.metricsPort()),
                metrics.registry(), this::status);
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

    /** What {@code GET /status} shows. */
    public Object status() {
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
