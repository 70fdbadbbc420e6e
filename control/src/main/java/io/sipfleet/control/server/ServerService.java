package io.sipfleet.control.server;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountDao;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.account.Checklist;
import io.sipfleet.control.account.Money;
import io.sipfleet.control.cluster.ClusterService;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import io.sipfleet.control.zone.Host;
import io.sipfleet.control.zone.ZoneDao;
import io.sipfleet.control.zone.ZoneService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Deploy, list and show servers; move them between clusters. */
public final class ServerService {

    /** Test period of a new server (the brief's "expires"); expiry itself is not enforced yet. */
    static final Duration TEST_PERIOD = Duration.ofDays(14);
    static final int DEFAULT_CHANNELS = 100;
    static final int DEFAULT_CPS = 10;
    static final int SIP_PORT = 5060;
    /** An agent not heard from for this long (three missed heartbeats) is passed over when placing. */
    static final Duration AGENT_QUIET = Duration.ofSeconds(30);

    private final Jdbi jdbi;
    private final Clock clock;
    private final ZoneService zones;
    private final Provisioner provisioner;
    private final AddressPool addresses;

    public ServerService(ControlDatabase db, Clock clock, Provisioner provisioner) {
        this(db, clock, provisioner, AddressPool.DEFAULT);
    }

    public ServerService(ControlDatabase db, Clock clock, Provisioner provisioner, AddressPool addresses) {
        this.jdbi = db.jdbi();
        this.clock = clock;
        this.zones = new ZoneService(db);
        this.provisioner = provisioner;
        this.addresses = addresses;
    }

    /**
     * Deploys a server if the account may: checklist complete and balance >= $20 x (1 + servers it
     * already has). The account row lock makes the check and the insert one step, so two deploys
     * the balance allows only once cannot both pass.
     */
    public Server deploy(long accountId, DeployRequest request) {
        String type = type(request.type());
        String zone = zones.requireZone(request.zone()).id();
        Server created = Transactions.inTransactionRetrying(jdbi, h -> {
            AccountDao accounts = h.attach(AccountDao.class);
            accounts.lock(accountId).orElseThrow(() -> new NotFoundException("account", accountId));
            if (request.clusterId() != null) {
                ClusterService.get(h, accountId, request.clusterId());
            }
            requireChecklist(h, accountId);
            ServerDao servers = h.attach(ServerDao.class);
            requireBalance(accounts.balance(accountId), servers.count(accountId));
            Host host = h.attach(ZoneDao.class).leastLoadedHost(zone, clock.instant().minus(AGENT_QUIET)).orElseThrow(() -> new RefusedException(
                    RefusedException.CONFLICT, "zone '" + zone + "' has no host yet; choose another zone"));
            String address = addresses.nextFree(servers.usedAddresses()).orElseThrow(() -> new RefusedException(
                    RefusedException.CONFLICT, "no free server address left (" + addresses + " all taken)"));
            Instant now = clock.instant();
            long id = servers.insert(new Server(0, accountId, type, zone, host.id(), request.clusterId(), address,
                    SIP_PORT, Server.DEPLOYING, DEFAULT_CHANNELS, DEFAULT_CPS, 1, now, now.plus(TEST_PERIOD),
                    Server.ACTIVE, Server.TEST_PLAN));
            // The account's other servers see it (a switch's cluster peers, a dispatcher's destinations):
            // their snapshots change, so their versions move on and the next config pull delivers them.
            h.createUpdate("UPDATE server SET config_version = config_version + 1 WHERE account_id = :a AND id <> :id")
                    .bind("a", accountId).bind("id", id).execute();
            return servers.find(accountId, id).orElseThrow();
        });
        try {
            provisioner.install(created, this::setStatus);
        } catch (RuntimeException e) {
            // The row stays (the deposit rule counts it) and shows why nothing runs.
            setStatus(created.id(), Server.FAILED);
        }
        return get(accountId, created.id());
    }

    private static void requireChecklist(Handle h, long accountId) {
        Checklist checklist = AccountService.checklist(h, accountId);
        if (!checklist.complete()) {
            throw new RefusedException(RefusedException.CONFLICT,
                    "deploy refused: the Getting Started checklist is incomplete; missing: "
                            + String.join(", ", checklist.missing()) + " (GET /api/account/checklist says how)");
        }
    }

    private static void requireBalance(long balanceCents, int otherServers) {
        long needed = Money.DEPOSIT_PER_SERVER_CENTS * (1L + otherServers);
        if (balanceCents < needed) {
            throw new RefusedException(RefusedException.PAYMENT_REQUIRED,
                    "deploy refused: the balance is " + Money.format(balanceCents) + " but "
                            + Money.format(needed) + " is needed ($20 x (1 + " + otherServers
                            + " other servers)); top up at least " + Money.format(needed - balanceCents));
        }
    }

    private static String type(String type) {
        if (Server.SWITCH.equals(type) || Server.DISPATCHER.equals(type)) {
            return type;
        }
        throw new InvalidInputException("type", "must be 'switch' or 'dispatcher', was "
                + (type == null ? "missing" : "'" + type + "'"));
    }

    public List<Server> list(long accountId) {
        return jdbi.withExtension(ServerDao.class, dao -> dao.list(accountId));
    }

    public Server get(long accountId, long id) {
        return jdbi.withExtension(ServerDao.class, dao -> dao.find(accountId, id))
                .orElseThrow(() -> new NotFoundException("server", id));
    }

    /** Moves a server into a cluster, or out of any with {@code null}; bumps its config version. */
    public Server assignCluster(long accountId, long serverId, Long clusterId) {
        jdbi.useTransaction(h -> {
            ServerDao servers = h.attach(ServerDao.class);
            Server server = servers.find(accountId, serverId).orElseThrow(() -> new NotFoundException("server", serverId));
            if (clusterId != null) {
                ClusterService.get(h, accountId, clusterId);
            }
            // Same rules as a config save naming cluster_id (failover targets, location sharing).
            io.sipfleet.control.serverconfig.ServerSettingsService.checkClusterChange(h, server, clusterId, clock.instant());
            servers.setCluster(serverId, clusterId);
            // Its fellow members (old and new) list it as a peer: their snapshots change too.
            h.createUpdate("UPDATE server SET config_version = config_version + 1 WHERE account_id = :a AND id <> :id")
                    .bind("a", accountId).bind("id", serverId).execute();
        });
        return get(accountId, serverId);
    }

    /** Status reported by the provisioning engine (not account-scoped: engines act fleet-wide). */
    public void setStatus(long serverId, String status) {
        jdbi.useExtension(ServerDao.class, dao -> dao.setStatus(serverId, status));
    }
}
