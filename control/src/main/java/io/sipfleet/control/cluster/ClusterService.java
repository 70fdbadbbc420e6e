package io.sipfleet.control.cluster;

import io.sipfleet.control.Names;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.config.ConfigVersions;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Create, change and list clusters; membership is set on the server (at deploy or later). A
 * change of the clustering settings bumps the config version of the cluster's switches in the
 * same transaction, so the periodic config pull brings it to every member.
 */
public final class ClusterService {

    private final Jdbi jdbi;
    private final Clock clock;

    public ClusterService(ControlDatabase db, Clock clock) {
        this.jdbi = db.jdbi();
        this.clock = clock;
    }

    /** A cluster with the switch's default clustering settings. */
    public Cluster create(long accountId, String name) {
        return create(accountId, name, null, Set.of());
    }

    /**
     * @param clustering    settings that differ from the defaults (null fields: the default)
     * @param explicitNulls clustering fields the client sent as JSON null (refused by name)
     */
    public Cluster create(long accountId, String name, Clustering.Change clustering, Set<String> explicitNulls) {
        String n = Names.require("name", name);
        Clustering settings = Clustering.DEFAULTS.with(clustering, explicitNulls);
        long id = unique(n, () -> jdbi.withExtension(ClusterDao.class,
                dao -> dao.insert(accountId, n, clock.instant(), settings)));
        return get(accountId, id);
    }

    /**
     * Renames the cluster ({@code name} null: unchanged) and applies {@code clustering} over its
     * settings (fields left out keep their value). Everything is checked before anything is written.
     */
    public Cluster update(long accountId, long id, String name, Clustering.Change clustering, Set<String> explicitNulls) {
        return unique(name, () -> jdbi.inTransaction(h -> {
            ClusterDao dao = h.attach(ClusterDao.class);
            Cluster current = dao.lock(accountId, id).orElseThrow(() -> new NotFoundException("cluster", id));
            String n = name == null ? current.name() : Names.require("name", name);
            Clustering settings = current.clustering().with(clustering, explicitNulls);
            dao.update(accountId, id, n, settings);
            if (!settings.equals(current.clustering())) {
                ConfigVersions.bumpCluster(h, accountId, id);
            }
            return get(h, accountId, id);
        }));
    }

    /** A duplicate name is a 409 naming the field, whichever statement hit the constraint. */
    private static <T> T unique(String name, Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw new RefusedException(RefusedException.CONFLICT, "name: a cluster named '" + name + "' already exists");
            }
            throw e;
        }
    }

    public List<Cluster> list(long accountId) {
        return jdbi.withExtension(ClusterDao.class, dao -> dao.list(accountId));
    }

    public Cluster get(long accountId, long id) {
        return jdbi.withHandle(h -> get(h, accountId, id));
    }

    public static Cluster get(Handle h, long accountId, long id) {
        return h.attach(ClusterDao.class).find(accountId, id).orElseThrow(() -> new NotFoundException("cluster", id));
    }

    public List<Long> members(long accountId, long clusterId) {
        get(accountId, clusterId);
        return jdbi.withExtension(ClusterDao.class, dao -> dao.members(accountId, clusterId));
    }
}
