package io.sipfleet.control.agent;

import io.sipfleet.control.RefusedException;
import io.sipfleet.control.config.Snapshot;
import io.sipfleet.control.config.SnapshotService;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerDao;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import io.sipfleet.control.db.ControlDatabase;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The config file an agent writes for a server: the switch snapshot of {@link SnapshotService},
 * or a dispatcher snapshot (the dispatcher's own format, {@code io.sipfleet.dispatching.DispatcherConfig})
 * whose destinations are the account's switches of the dispatcher's cluster (all of the account's
 * switches when the dispatcher is in no cluster).
 */
public final class NodeConfigs {

    /** Metrics/status port of dispatchers (switches use 9090); each node has its own address. */
    public static final int DISPATCHER_METRICS_PORT = 9190;
    public static final int SWITCH_METRICS_PORT = 9090;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Jdbi jdbi;
    private final SnapshotService snapshots;

    public NodeConfigs(ControlDatabase db, SnapshotService snapshots) {
        this.jdbi = db.jdbi();
        this.snapshots = snapshots;
    }

    public Snapshot of(Server server) {
        if (Server.SWITCH.equals(server.type())) {
            return snapshots.snapshot(server.accountId(), server.id());
        }
        List<Server> switches = jdbi.withExtension(ServerDao.class, dao -> dao.list(server.accountId())).stream()
                .filter(s -> Server.SWITCH.equals(s.type()))
                .filter(s -> server.clusterId() == null || server.clusterId().equals(s.clusterId()))
                .toList();
        if (switches.isEmpty()) {
            throw new RefusedException(RefusedException.CONFLICT, "dispatcher " + server.serverId()
                    + " has no switch to dispatch to: deploy a switch" + (server.clusterId() == null ? "" :
                    " in cluster " + server.clusterId()) + " first");
        }
        return new Snapshot(server.id(), server.configVersion(), dispatcher(server, switches));
    }

    static String dispatcher(Server d, List<Server> switches) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", d.configVersion());
        root.put("serverId", d.serverId());
        ObjectNode listen = root.putArray("listen").addObject();
        listen.put("address", d.address());
        listen.put("port", d.sipPort());
        listen.putArray("transports").add("udp");
        ArrayNode destinations = root.putArray("destinations");
        for (Server s : switches) {
            destinations.addObject().put("uri", "sip:" + s.address() + ":" + s.sipPort()).put("weight", 1);
        }
        // In a cluster the members share a digest nonce key (SnapshotService), so calls can go
        // round-robin: the INVITE answering a 407 may land on another member, which accepts it.
        // Without one, Call-ID hash keeps a call's INVITEs on the switch that challenged them.
        root.put("algorithm", d.clusterId() != null ? "round-robin" : "call-id-hash");
        ObjectNode probe = root.putObject("probe");
        probe.put("intervalSeconds", 2);
        probe.put("failuresToDown", 3);
        probe.put("successesToUp", 2);
        root.put("metricsPort", DISPATCHER_METRICS_PORT);
        // Billing's verdict, as in a switch's snapshot: an expired or suspended dispatcher refuses new calls.
        root.put("serviceState", d.serviceState() == null ? Server.ACTIVE : d.serviceState());
        root.put("metricsAddress", d.address());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
