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
import io.sipfleet.control.serverconfig.ServerSettings;
import io.sipfleet.control.serverconfig.ServerSettingsDao;
import io.sipfleet.control.serverconfig.ServerSettingsService;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Builds a server's snapshot from one consistent read (one transaction), so version and content match. */
public final class SnapshotService {

    /** Default cluster store: the Redis of this machine kind (production passes its own). */
    public static final String DEFAULT_CLUSTER_STORE = "redis://127.0.0.1:6379";

    private final Jdbi jdbi;
    private final String clusterStoreUri;
    private final io.sipfleet.control.secret.Secrets secrets;

    /**
     * @param clusterStoreUri where clustered switches share state; the switch refuses a clusterId
     *                        without it (members would silently enforce limits alone)
     */
    public SnapshotService(ControlDatabase db, String clusterStoreUri) {
        this(db, clusterStoreUri, null);
    }

    /**
     * @param secrets the control plane's key: a cluster's members get a digest nonce key derived
     *                from it ({@code nonceSecret}, the same for every member), so a dispatcher can
     *                spread calls round-robin (the INVITE answering a 407 reaches another member
     *                than the one that challenged). Null: no shared key.
     */
    public SnapshotService(ControlDatabase db, String clusterStoreUri, io.sipfleet.control.secret.Secrets secrets) {
        this.jdbi = db.jdbi();
        this.clusterStoreUri = clusterStoreUri;
        this.secrets = secrets;
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
            String nonceSecret = cluster == null || secrets == null ? null
                    : secrets.derive("sip-nonce:" + accountId + ":" + cluster.scopeId());
            String json = SwitchSnapshot.json(server, realm, cluster, clusterStoreUri, nonceSecret,
                    h.attach(SipUserDao.class).list(accountId), h.attach(RouteDao.class).list(accountId),
                    extras(h, server, upstream(h, server)));
            return new Snapshot(serverId, server.configVersion(), json);
        });
    }

    /**
     * The server's UAC registrations with their passwords decrypted (the switch answers the
     * registrar's challenges with them). Without the control plane's key nothing can be
     * decrypted: then none are sent, and the switch registers nowhere.
     */
    private List<ServerSettings.UacRegistration> upstream(Handle h, Server server) {
        if (secrets == null) return List.of();
        return ServerSettingsService.registrationsWithPasswords(h, secrets, server.id());
    }

    /** The server's config, and what it says about its peers, in the switch's terms. */
    private static SwitchSnapshot.Extras extras(Handle h, Server server, List<ServerSettings.UacRegistration> upstream) {
        ServerSettings settings = ServerSettingsService.load(h, server);
        List<Server> fleet = h.attach(ServerDao.class).list(server.accountId());
        String failover = fleet.stream()
                .filter(s -> settings.capacityFailoverServerId() != null && s.id() == settings.capacityFailoverServerId())
                .map(s -> "sip:" + s.address() + ":" + s.sipPort())
                .findFirst().orElse(null);
        List<String> dispatchers = fleet.stream()
                .filter(s -> Server.DISPATCHER.equals(s.type()))
                .filter(s -> server.clusterId() == null || server.clusterId().equals(s.clusterId()))
                .map(Server::address)
                .toList();
        List<String> peers;
        if (server.clusterId() != null) {
            // Members reach each other's bindings and trust each other's relayed requests.
            peers = fleet.stream()
                    .filter(s -> s.id() != server.id() && Server.SWITCH.equals(s.type())
                            && server.clusterId().equals(s.clusterId()))
                    .map(s -> s.serverId() + "=sip:" + s.address() + ":" + s.sipPort())
                    .toList();
        } else if (settings.uacLocationSharing()) {
            List<Long> sharing = h.attach(ServerSettingsDao.class).sharingServers(server.accountId());
            peers = fleet.stream()
                    .filter(s -> s.id() != server.id() && Server.SWITCH.equals(s.type()) && s.clusterId() == null
                            && sharing.contains(s.id()))
                    // The switch pulls a peer's change feed from its metrics port (9090 on every node).
                    .map(s -> s.serverId() + "=sip:" + s.address() + ":" + s.sipPort() + ";feed=9090")
                    .toList();
        } else {
            peers = List.of();
        }
        return new SwitchSnapshot.Extras(settings, failover, dispatchers, peers, server.serviceState(), upstream);
    }
}
