package io.sipfleet.control.health;

import io.sipfleet.control.action.ActionService;
import io.sipfleet.control.agent.NodeConfigs;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.server.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every interval, for each running (or failed) server no action is working on: SIP OPTIONS RTT,
 * TCP connect time (the ICMP fallback), channels in use from the node's /metrics, the config pull
 * (a newer config version is written to the node through its agent), failure detection (three
 * unanswered probes in a row: failed; answering again: running), and auto upgrade (a server with
 * the flag on, an older build and zero channels in use is updated).
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    static final int MISSES_TO_FAIL = 3;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    private final Jdbi jdbi;
    private final Clock clock;
    private final ActionService actions;
    private final RuntimeStore runtime;
    private final ScheduledExecutorService timer;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Long, Integer> misses = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> inFlight = new ConcurrentHashMap<>();

    public HealthMonitor(ControlDatabase db, Clock clock, ActionService actions, RuntimeStore runtime, Duration interval) {
        this.jdbi = db.jdbi();
        this.clock = clock;
        this.actions = actions;
        this.runtime = runtime;
        this.jdbi.registerRowMapper(ConstructorMapper.factory(Server.class));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("health-monitor").unstarted(r));
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::round, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            List<Server> servers = jdbi.withHandle(h -> h.createQuery(
                    "SELECT * FROM server WHERE status IN ('running', 'failed') ORDER BY id").mapTo(Server.class).list());
            for (Server s : servers) {
                if (inFlight.putIfAbsent(s.id(), Boolean.TRUE) == null) {
                    probes.submit(() -> {
                        try {
                            check(s);
                        } catch (RuntimeException e) {
                            LOG.warn("health check of server {} ({}) failed: {}", s.id(), s.serverId(), e.toString());
                        } finally {
                            inFlight.remove(s.id());
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("health round failed: {}", e.toString());
        }
    }

    private void check(Server s) {
        if (actions.busy(s.id())) {
            return;
        }
        OptionalDouble sip = SipProbe.options(s.address(), s.sipPort(), PROBE_TIMEOUT);
        OptionalDouble tcp = SipProbe.tcpConnect(s.address(), tcpPort(s), PROBE_TIMEOUT);
        OptionalDouble icmp = SipProbe.icmp(s.address(), PROBE_TIMEOUT);
        Integer channels = Server.SWITCH.equals(s.type()) && sip.isPresent() ? channelsInUse(s) : null;
        if (actions.busy(s.id())) {
            return; // an action started meanwhile: its view wins
        }
        runtime.update(s.id(), dao -> dao.probe(s.id(), sip.isPresent() ? sip.getAsDouble() : null,
                tcp.isPresent() ? tcp.getAsDouble() : null, icmp.isPresent() ? icmp.getAsDouble() : null,
                channels, clock.instant()));
        if (sip.isPresent()) {
            misses.remove(s.id());
            if (Server.FAILED.equals(s.status())) {
                LOG.info("server {} ({}) answers SIP OPTIONS again: running", s.id(), s.serverId());
                actions.setStatus(s.id(), Server.RUNNING, null);
            }
            if (Server.RUNNING.equals(s.status()) || Server.FAILED.equals(s.status())) {
                actions.syncConfig(s);
                autoUpgrade(s, channels);
            }
        } else if (Server.RUNNING.equals(s.status())) {
            int n = misses.merge(s.id(), 1, Integer::sum);
            if (n >= MISSES_TO_FAIL) {
                String reason = "stopped answering SIP OPTIONS on " + s.address() + ":" + s.sipPort()
                        + " (" + n + " probes in a row)";
                LOG.warn("server {} ({}) {}: failed", s.id(), s.serverId(), reason);
                actions.setStatus(s.id(), Server.FAILED, reason);
                misses.remove(s.id());
            }
        }
    }

    private void autoUpgrade(Server s, Integer channels) {
        if (channels == null || channels != 0) {
            return;
        }
        String version = runtime.find(s.id()).map(ServerRuntime::version).orElse(null);
        if (!Versions.older(version, actions.buildVersion()) || !actions.autoUpgrade(s.id())) {
            return;
        }
        LOG.info("server {} ({}): auto upgrade from {} to {} (no calls in progress)", s.id(), s.serverId(),
                version, actions.buildVersion());
        try {
            actions.perform(s.accountId(), s.id(), "update", "auto-upgrade");
        } catch (RuntimeException e) {
            LOG.warn("server {} ({}): auto upgrade failed: {}", s.id(), s.serverId(), e.getMessage());
        }
    }

    /** Switches listen on TCP on their SIP port; dispatchers (UDP only) have their status port. */
    public static int tcpPort(Server s) {
        return Server.SWITCH.equals(s.type()) ? s.sipPort() : NodeConfigs.DISPATCHER_METRICS_PORT;
    }

    private static Integer channelsInUse(Server s) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                            "http://" + s.address() + ":" + NodeConfigs.SWITCH_METRICS_PORT + "/metrics"))
                    .timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? NodeMetrics.gauge(r.body(), "sipfleet_channels_in_use") : null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        probes.shutdownNow();
    }
}
