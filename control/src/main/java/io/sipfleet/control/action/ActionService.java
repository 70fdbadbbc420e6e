package io.sipfleet.control.action;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.agent.AgentClient;
import io.sipfleet.control.agent.AgentClient.AgentException;
import io.sipfleet.control.agent.AgentProtocol.NodeState;
import io.sipfleet.control.agent.Agents;
import io.sipfleet.control.agent.FleetOptions;
import io.sipfleet.control.agent.NodeConfigs;
import io.sipfleet.control.config.Snapshot;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.health.RuntimeStore;
import io.sipfleet.control.health.ServerRuntime;
import io.sipfleet.control.health.SipProbe;
import io.sipfleet.control.health.Versions;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server actions through the host agent (install, start, stop, restart, OS cycle, power cycle,
 * update, flush), the deploy's install, and resize. One action at a time per server; each one,
 * refused, failed or done, is a line in the audit log. A node counts as up when it answers SIP
 * OPTIONS (control probes it), not when its process exists.
 */
public final class ActionService {

    private static final Logger LOG = LoggerFactory.getLogger(ActionService.class);

    public static final List<String> ACTIONS =
            List.of("install", "start", "stop", "restart", "os_cycle", "power_cycle", "update", "flush");
    /** Above this many channels a resize restarts the node at once (the brief's reboot); at or below it applies live. */
    public static final int LIVE_RESIZE_MAX = 1000;
    static final int MAX_CHANNELS = 100_000;
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    /** The result of an action that completed. */
    public record Outcome(Server server, AuditEntry audit) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Agents agents;
    private final NodeConfigs configs;
    private final AuditLog audit;
    private final RuntimeStore runtime;
    private final FleetOptions options;
    private final Map<Long, String> busy = new ConcurrentHashMap<>();

    public ActionService(ControlDatabase db, Clock clock, Agents agents, NodeConfigs configs, AuditLog audit,
                         RuntimeStore runtime, FleetOptions options) {
        this.jdbi = db.jdbi();
        this.clock = clock;
        this.agents = agents;
        this.configs = configs;
        this.audit = audit;
        this.runtime = runtime;
        this.options = options;
    }

    private static final class ActionFailed extends RuntimeException {
        ActionFailed(String message) {
            super(message);
        }
    }

    /** True while an action runs on the server: the monitor leaves it alone meanwhile. */
    public boolean busy(long serverId) {
        return busy.containsKey(serverId);
    }

    public String buildVersion() {
        return options.buildVersion();
    }

    public Outcome perform(long accountId, long serverId, String action, String actor) {
        Server s = find(accountId, serverId);
        if (action == null || !ACTIONS.contains(action)) {
            throw new InvalidInputException("action", "must be one of " + String.join(", ", ACTIONS)
                    + (action == null ? " (missing)" : ", was '" + action + "'"));
        }
        return guarded(s, action, actor, null, () -> run(s, action));
    }

    /**
     * Changes the server's channel count. Up to {@link #LIVE_RESIZE_MAX} it is applied live at the
     * next config pull; above it the node restarts at once, so that needs {@code confirm}: without
     * it the answer is a 409 carrying the warning, and nothing changes.
     */
    public Outcome resize(long accountId, long serverId, Integer channels, Boolean confirm, String actor) {
        Server s = find(accountId, serverId);
        if (channels == null) {
            throw new InvalidInputException("channels", "is required");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new InvalidInputException("channels", "must be between 1 and " + MAX_CHANNELS + ", was " + channels);
        }
        boolean restart = channels > LIVE_RESIZE_MAX;
        String detail = "channels " + s.channelsMax() + " -> " + channels;
        if (restart && !Boolean.TRUE.equals(confirm)) {
            Integer inUse = runtime.find(serverId).map(ServerRuntime::channelsInUse).orElse(null);
            String warning = "resizing server " + serverId + " to " + channels + " channels (more than "
                    + LIVE_RESIZE_MAX + ") restarts it at once, cutting the calls in progress ("
                    + (inUse == null ? "unknown" : inUse) + " now); nothing was changed. Send \"confirm\": true to go ahead";
            Instant now = clock.instant();
            audit.append(accountId, serverId, actor, "resize", detail, AuditEntry.REFUSED, warning, now, now);
            throw new RefusedException(RefusedException.CONFLICT, warning);
        }
        return guarded(s, "resize", actor, detail, () -> {
            jdbi.useHandle(h -> h.createUpdate(
                            "UPDATE server SET channels_max = :c, config_version = config_version + 1 WHERE id = :id")
                    .bind("c", channels).bind("id", serverId).execute());
            Server resized = find(accountId, serverId);
            if (!restart || !Server.RUNNING.equals(resized.status())) {
                return "resized to " + channels + " channels; "
                        + (Server.RUNNING.equals(resized.status()) ? "applied live at the next config pull (within "
                        + (options.monitorInterval().toMillis() >= 1000 ? options.monitorInterval().toSeconds() + " s)"
                        : options.monitorInterval().toMillis() + " ms)") : "the node gets it when it starts");
            }
            AgentClient agent = agent(resized);
            pushConfig(resized, agent);
            agent.act(resized.serverId(), "restart");
            return "resized to " + channels + " channels; restarted at once: " + awaitUp(resized, agent);
        });
    }

    /** The deploy's provisioning: install the current image and the config, start, wait for OPTIONS. */
    public void deploy(Server s) {
        try {
            guarded(s, "deploy", "control", "new " + s.type() + " on " + s.address() + ":" + s.sipPort(),
                    () -> install(s, true));
        } catch (RuntimeException e) {
            // guarded() logged it, recorded it and set the server failed with the reason
            LOG.debug("deploy of server {} ended with {}", s.id(), e.toString());
        }
    }

    /**
     * Brings a server up whatever its recorded status says (used by {@code sipfleet up} on a second
     * run: the database says running or stopped, but the local agent has nothing yet).
     */
    public Outcome ensureRunning(Server s, String actor) {
        return guarded(s, "recover", actor, "bring up whatever the recorded status", () -> {
            AgentClient agent = agent(s);
            if (agent.node(s.serverId()).map(n -> NodeState.RUNNING.equals(n.state())).orElse(false)) {
                pushConfig(s, agent);
                return "already running: " + awaitUp(s, agent);
            }
            return start(s, agent);
        });
    }

    /** Writes the server's current snapshot to its node's config file now ("Flush"; also the periodic pull). */
    public String pushConfig(Server s, AgentClient agent) {
        Snapshot snap = configs.of(s);
        agent.writeConfig(s.serverId(), snap.json());
        runtime.update(s.id(), dao -> dao.applied(s.id(), snap.version()));
        return "config version " + snap.version() + " written to the node";
    }

    /** The periodic config pull for one server: pushes it if its node has an older version. */
    public void syncConfig(Server s) {
        Long applied = runtime.find(s.id()).map(ServerRuntime::appliedConfigVersion).orElse(null);
        if (applied != null && applied >= s.configVersion()) {
            return;
        }
        if (busy.putIfAbsent(s.id(), "config pull") != null) {
            return;
        }
        try {
            agents.forHost(s.hostId()).ifPresent(a -> {
                String what = pushConfig(s, a);
                LOG.info("server {} ({}): {} (was {})", s.id(), s.serverId(), what, applied);
            });
        } catch (RuntimeException e) {
            LOG.warn("server {} ({}): config pull failed: {}", s.id(), s.serverId(), e.getMessage());
        } finally {
            busy.remove(s.id());
        }
    }

    @FunctionalInterface
    private interface Work {
        String run();
    }

    private Outcome guarded(Server s, String action, String actor, String detail, Work work) {
        Instant started = clock.instant();
        String refusal = "resize".equals(action) ? null : refusal(s, action);
        String other = refusal == null ? busy.putIfAbsent(s.id(), action) : null;
        if (other != null) {
            refusal = "server " + s.id() + " is busy: " + other + " is in progress; try again when it ends";
        }
        if (refusal != null) {
            audit.append(s.accountId(), s.id(), actor, action, detail, AuditEntry.REFUSED, refusal, started, clock.instant());
            throw new RefusedException(RefusedException.CONFLICT, refusal);
        }
        // The final status is written last, after the audit line and with the server no longer busy:
        // a client that sees "running" (or "failed") can act on it at once.
        FINAL_STATUS.remove();
        String message;
        try {
            message = work.run();
        } catch (ActionFailed | AgentException | RefusedException e) {
            String failure = action + " of server " + s.id() + " (" + s.serverId() + ") failed: " + e.getMessage();
            LOG.warn("{} (by {})", failure, actor);
            busy.remove(s.id());
            audit.append(s.accountId(), s.id(), actor, action, detail, AuditEntry.FAILED, e.getMessage(),
                    started, clock.instant());
            if (!"stop".equals(action) && !"flush".equals(action) && !"resize".equals(action)) {
                setStatus(s.id(), Server.FAILED, e.getMessage());
            }
            throw new RefusedException(502, failure);
        } catch (RuntimeException e) {
            busy.remove(s.id());
            throw e;
        }
        LOG.info("server {} ({}): {} by {}: {}", s.id(), s.serverId(), action, actor, message);
        busy.remove(s.id());
        AuditEntry entry = audit.append(s.accountId(), s.id(), actor, action, detail, AuditEntry.OK, message,
                started, clock.instant());
        String status = FINAL_STATUS.get();
        FINAL_STATUS.remove();
        if (status != null) {
            setStatus(s.id(), status, null);
        }
        return new Outcome(find(s.accountId(), s.id()), entry);
    }

    /** The status the action ends in (running once the node answered, stopped), set on the action's thread. */
    private static final ThreadLocal<String> FINAL_STATUS = new ThreadLocal<>();

    /** Why {@code action} is not allowed in the server's current state, or null if it is. */
    String refusal(Server s, String action) {
        String st = s.status();
        String who = "server " + s.id() + " (" + s.serverId() + ") is " + st;
        // Billing stopped it (the node answers new calls 503): only stopping it, or pushing its
        // config, makes sense until the account reactivates it.
        String billing = s.serviceState();
        if (billing != null && !Server.ACTIVE.equals(billing) && !action.equals("stop") && !action.equals("flush")) {
            return "server " + s.id() + " (" + s.serverId() + ") is " + billing
                    + ": reactivate it first (only stop and flush are allowed)";
        }
        return switch (action) {
            case "install" -> st.equals(Server.RUNNING) || st.equals(Server.DEPLOYING)
                    ? who + ": stop it before a fresh install (or use update)" : null;
            case "start" -> st.equals(Server.RUNNING) ? who + " already" : st.equals(Server.DEPLOYING)
                    ? who + ": wait for the deploy to finish" : null;
            case "stop" -> st.equals("stopped") ? who + " already" : null;
            case "restart", "os_cycle", "flush" -> st.equals(Server.RUNNING) ? null
                    : who + ": only a running server can " + (action.equals("flush") ? "take a config push"
                    : "be " + (action.equals("restart") ? "restarted" : "OS-cycled")) + "; use start";
            case "power_cycle" -> st.equals(Server.RUNNING) || st.equals(Server.FAILED) ? null
                    : who + ": nothing to power-cycle; use start";
            case "update" -> {
                String running = runtime.find(s.id()).map(ServerRuntime::version).orElse(null);
                yield st.equals(Server.DEPLOYING) ? who + ": wait for the deploy to finish"
                        : running != null && !Versions.older(running, options.buildVersion())
                        ? "server " + s.id() + " already runs build " + running + " (control's is "
                        + options.buildVersion() + "): nothing to update" : null;
            }
            default -> null;
        };
    }

    private String run(Server s, String action) {
        AgentClient agent = agent(s);
        String name = s.serverId();
        return switch (action) {
            case "install" -> install(s, true);
            case "start" -> start(s, agent);
            case "stop" -> {
                try {
                    agent.act(name, "stop");
                } catch (AgentException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
                FINAL_STATUS.set("stopped");
                yield "stopped on host " + agent.host();
            }
            case "restart" -> {
                requireInstalled(s, agent);
                pushConfig(s, agent);
                agent.act(name, "restart");
                yield "restarted: " + awaitUp(s, agent);
            }
            case "os_cycle" -> {
                requireInstalled(s, agent);
                NodeState st = agent.osCycle(name, options.drainTimeout());
                yield "OS cycle (" + st.detail() + "): " + awaitUp(s, agent);
            }
            case "power_cycle" -> {
                requireInstalled(s, agent);
                NodeState st = agent.act(name, "power-cycle");
                yield "power cycle (" + st.detail() + "): " + awaitUp(s, agent);
            }
            case "update" -> update(s, agent);
            case "flush" -> pushConfig(s, agent);
            default -> throw new IllegalStateException(action);
        };
    }

    private String update(Server s, AgentClient agent) {
        String from = runtime.find(s.id()).map(ServerRuntime::version).orElse(null);
        boolean wasUp = !s.status().equals("stopped");
        return "updated from " + (from == null ? "an unknown build" : from) + ": " + install(s, wasUp);
    }

    private String start(Server s, AgentClient agent) {
        if (agent.node(s.serverId()).isEmpty()) {
            return install(s, true);
        }
        pushConfig(s, agent);
        NodeState st = agent.act(s.serverId(), "start");
        runtime.update(s.id(), dao -> dao.version(s.id(), st.version()));
        return "started (pid " + st.pid() + "): " + awaitUp(s, agent);
    }

    /** Fresh install of the host's current image and the server's config; then start it if asked. */
    private String install(Server s, boolean startAfter) {
        AgentClient agent = agent(s);
        try {
            agent.act(s.serverId(), "stop");
        } catch (AgentException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        Snapshot snap = configs.of(s);
        NodeState st = agent.install(s.serverId(), s.type(), snap.json());
        runtime.update(s.id(), dao -> {
            dao.version(s.id(), st.version());
            dao.applied(s.id(), snap.version());
        });
        if (!startAfter) {
            FINAL_STATUS.set("stopped");
            return "installed build " + st.version() + " on host " + agent.host() + " (not started)";
        }
        NodeState started = agent.act(s.serverId(), "start");
        return "installed build " + st.version() + " on host " + agent.host() + ", started (pid "
                + started.pid() + "): " + awaitUp(s, agent);
    }

    private void requireInstalled(Server s, AgentClient agent) {
        if (agent.node(s.serverId()).isEmpty()) {
            throw new ActionFailed("host " + agent.host() + " has no installed node " + s.serverId() + "; use install");
        }
    }

    /** Waits until the node answers SIP OPTIONS (then: running), or fails it with the reason. */
    private String awaitUp(Server s, AgentClient agent) {
        long begin = System.nanoTime();
        long deadline = begin + options.startTimeout().toNanos();
        int round = 0;
        while (System.nanoTime() < deadline) {
            OptionalDouble rtt = SipProbe.options(s.address(), s.sipPort(), PROBE_TIMEOUT);
            if (rtt.isPresent()) {
                FINAL_STATUS.set(Server.RUNNING);
                double ms = rtt.getAsDouble();
                runtime.update(s.id(), dao -> dao.probe(s.id(), ms, null, null, null, clock.instant()));
                return String.format(Locale.ROOT, "answers SIP OPTIONS on %s:%d after %.1f s (RTT %.2f ms)",
                        s.address(), s.sipPort(), (System.nanoTime() - begin) / 1e9, ms);
            }
            if (++round % 4 == 0) {
                NodeState st = agent.node(s.serverId()).orElse(null);
                if (st == null || !NodeState.RUNNING.equals(st.state())) {
                    throw new ActionFailed("the node is not running on host " + agent.host() + " ("
                            + (st == null ? "not installed" : st.state() + (st.detail() == null ? "" : ": " + st.detail())) + ")");
                }
            }
            sleep(Duration.ofMillis(100));
        }
        throw new ActionFailed("did not answer SIP OPTIONS on " + s.address() + ":" + s.sipPort() + " within "
                + options.startTimeout().toSeconds() + " s of its start");
    }

    private AgentClient agent(Server s) {
        return agents.forHost(s.hostId()).orElseThrow(() -> new ActionFailed(
                "host " + s.hostId() + " of zone " + s.zoneId() + " has no agent registered (run `sipfleet agent` there)"));
    }

    Server find(long accountId, long serverId) {
        return jdbi.withExtension(ServerDao.class, dao -> dao.find(accountId, serverId))
                .orElseThrow(() -> new NotFoundException("server", serverId));
    }

    /** Sets status and its reason together (a running server has no failure reason). */
    public void setStatus(long serverId, String status, String reason) {
        // Reason first: whoever sees the new status also sees why.
        runtime.update(serverId, dao -> dao.reason(serverId, reason));
        jdbi.useExtension(ServerDao.class, dao -> dao.setStatus(serverId, status));
    }

    /**
     * The server's auto-upgrade flag, read from its config if the config has one (the config
     * feature owns that field; absent means off).
     */
    public boolean autoUpgrade(long serverId) {
        // The config feature keeps it in server_config (no row: never saved, so off).
        return jdbi.withHandle(h -> h.createQuery("SELECT auto_upgrade FROM server_config WHERE server_id = :id")
                .bind("id", serverId).mapTo(Boolean.class).findOne().orElse(false));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionFailed("interrupted");
        }
    }
}
