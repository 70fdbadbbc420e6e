package io.sipfleet.control.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** All SQL of clusters. Every query is scoped by account: the tenant boundary lives here. */
@RegisterConstructorMapper(Cluster.class)
public interface ClusterDao {

    @SqlUpdate("INSERT INTO cluster (account_id, name, created_at) VALUES (:accountId, :name, :now)")
    @GetGeneratedKeys("id")
    long insert(long accountId, String name, Instant now);

    @SqlQuery("SELECT * FROM cluster WHERE account_id = :accountId ORDER BY id")
    List<Cluster> list(long accountId);

    @SqlQuery("SELECT * FROM cluster WHERE account_id = :accountId AND id = :id")
    Optional<Cluster> find(long accountId, long id);

    @SqlQuery("SELECT id FROM server WHERE account_id = :accountId AND cluster_id = :clusterId ORDER BY id")
    List<Long> members(long accountId, long clusterId);
}
