package io.sipfleet.control.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** All SQL of clusters. Every query is scoped by account: the tenant boundary lives here. */
@RegisterConstructorMapper(Cluster.class)
public interface ClusterDao {

    @SqlUpdate("""
            INSERT INTO cluster (account_id, name, created_at, store_fail_mode, member_channel_limit,
                                 capacity_failover_mode, channel_lease_ttl_seconds)
            VALUES (:accountId, :name, :now, :c.storeFailMode, :c.memberChannelLimit, :c.capacityFailoverMode,
                    :c.channelLeaseTtlSeconds)""")
    @GetGeneratedKeys("id")
    long insert(long accountId, String name, Instant now, @BindMethods("c") Clustering clustering);

    @SqlQuery("SELECT * FROM cluster WHERE account_id = :accountId ORDER BY id")
    List<Cluster> list(long accountId);

    @SqlQuery("SELECT * FROM cluster WHERE account_id = :accountId AND id = :id")
    Optional<Cluster> find(long accountId, long id);

    /** The row locked until the transaction ends: a change is read, merged and written as one. */
    @SqlQuery("SELECT * FROM cluster WHERE account_id = :accountId AND id = :id FOR UPDATE")
    Optional<Cluster> lock(long accountId, long id);

    @SqlUpdate("""
            UPDATE cluster SET name = :name, store_fail_mode = :c.storeFailMode,
                   member_channel_limit = :c.memberChannelLimit, capacity_failover_mode = :c.capacityFailoverMode,
                   channel_lease_ttl_seconds = :c.channelLeaseTtlSeconds
             WHERE account_id = :accountId AND id = :id""")
    int update(long accountId, long id, String name, @BindMethods("c") Clustering clustering);

    @SqlQuery("SELECT id FROM server WHERE account_id = :accountId AND cluster_id = :clusterId ORDER BY id")
    List<Long> members(long accountId, long clusterId);
}
