package io.sipfleet.control.agent;

import io.sipfleet.control.action.ActionApi;
import io.sipfleet.control.action.ActionService;
import io.sipfleet.control.action.AgentProvisioner;
import io.sipfleet.control.action.AuditLog;
import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.config.SnapshotService;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.health.HealthMonitor;
import io.sipfleet.control.health.LiveFigures;
import io.sipfleet.control.health.RuntimeStore;
import io.sipfleet.control.server.Provisioner;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerApi;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Everything control needs to run servers through host agents, wired once. */
public final class FleetRuntime implements AutoCloseable {

    private final Agents agents;
    private final ActionService actions;
    private final AuditLog audit;
    private final LiveFigures live;
    private final HealthMonitor monitor;
    private final ControlDatabase db;

    private FleetRuntime(ControlDatabase db, Agents agents, ActionService actions, AuditLog audit, LiveFigures live,
                         HealthMonitor monitor) {
        this.db = db;
        this.agents = agents;
        this.actions = actions;
        this.audit = audit;
        this.live = live;
        this.monitor = monitor;
    }

    public static FleetRuntime start(ControlDatabase db, Clock clock, SnapshotService snapshots, FleetOptions options) {
        Agents agents = new Agents(db, clock, options.agentToken());
        AuditLog audit = new AuditLog(db);
        RuntimeStore runtime = new RuntimeStore(db);
        ActionService actions = new ActionService(db, clock, agents, new NodeConfigs(db, snapshots), audit, runtime, options);
        // A deploy runs in this process: one that was under way when control last stopped will never
        // finish by itself. Say so rather than leave it "deploying" forever.
        List<Long> stuck = db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM server WHERE status = 'deploying'")
                .mapTo(Long.class).list());
        for (long id : stuck) {
            actions.setStatus(id, Server.FAILED, "control stopped during the deploy; run the install action");
        }
        HealthMonitor monitor = new HealthMonitor(db, clock, actions, runtime, options.monitorInterval());
        return new FleetRuntime(db, agents, actions, audit, new LiveFigures(runtime, options.buildVersion()), monitor);
    }

    public Provisioner provisioner() {
        return new AgentProvisioner(actions);
    }

    public ActionService actions() {
        return actions;
    }

    public Agents agents() {
        return agents;
    }

    public LiveFigures live() {
        return live;
    }

    public List<ApiRoute> routes() {
        List<ApiRoute> routes = new ArrayList<>(AgentApi.routes(agents));
        routes.addAll(ActionApi.routes(actions, audit, db.jdbi(), s -> ServerApi.view(s, live.of(s))));
        return routes;
    }

    @Override
    public void close() {
        monitor.close();
    }
}
