package io.sipfleet.control.cluster;

import io.sipfleet.control.Names;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Create and list clusters; membership is set on the server (at deploy or later). */
public final class ClusterService {

    private final Jdbi jdbi;
    private final Clock clock;

    public ClusterService(ControlDatabase db, Clock clock) {
        this.jdbi = db.jdbi();
        this.clock = clock;
    }

    public Cluster create(long accountId, String name) {
        String n = Names.require("name", name);
        try {
            long id = jdbi.withExtension(ClusterDao.class, dao -> dao.insert(accountId, n, clock.instant()));
            return get(accountId, id);
        } catch (RuntimeException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw new RefusedException(RefusedException.CONFLICT, "name: a cluster named '" + n + "' already exists");
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
