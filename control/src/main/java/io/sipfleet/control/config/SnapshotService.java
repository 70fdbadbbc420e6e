package io.sipfleet.control.config;

import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountDao;
import io.sipfleet.control.cluster.Cluster;
import io.sipfleet.control.cluster.ClusterService;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.route.RouteDao;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerDao;
import io.sipfleet.control.sipuser.SipUserDao;
import org.jdbi.v3.core.Jdbi;

/** Builds a server's snapshot from one consistent read (one transaction), so version and content match. */
public final class SnapshotService {

    /** Default cluster store: the Redis of this machine kind (production passes its own). */
    public static final String DEFAULT_CLUSTER_STORE = "redis://127.0.0.1:6379";

    private final Jdbi jdbi;
    private final String clusterStoreUri;

    /**
     * @param clusterStoreUri where clustered switches share state; the switch refuses a clusterId
     *                        without it (members would silently enforce limits alone)
     */
    public SnapshotService(ControlDatabase db, String clusterStoreUri) {
        this.jdbi = db.jdbi();
        this.clusterStoreUri = clusterStoreUri;
    }

    public Snapshot snapshot(long accountId, long serverId) {
        return jdbi.inTransaction(h -> {
            Server server = h.attach(ServerDao.class).find(accountId, serverId)
                    .orElseThrow(() -> new NotFoundException("server", serverId));
            if (!Server.SWITCH.equals(server.type())) {
                throw new RefusedException(RefusedException.CONFLICT, "server " + serverId
                        + " is a " + server.type() + ": only switch snapshots exist so far");
            }
            String realm = h.attach(AccountDao.class).find(accountId).orElseThrow().sipRealm();
            Cluster cluster = server.clusterId() == null ? null : ClusterService.get(h, accountId, server.clusterId());
            String json = SwitchSnapshot.json(server, realm, cluster, clusterStoreUri,
                    h.attach(SipUserDao.class).list(accountId), h.attach(RouteDao.class).list(accountId));
            return new Snapshot(serverId, server.configVersion(), json);
        });
    }
}
