package io.sipfleet.control.server;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** All SQL of servers. Reads for the API are scoped by account: the tenant boundary lives here. */
@RegisterConstructorMapper(Server.class)
public interface ServerDao {

    @SqlUpdate("""
            INSERT INTO server (account_id, type, zone_id, host_id, cluster_id, address, sip_port, status,
                                channels_max, cps_max, config_version, created_at, expires_at)
            VALUES (:accountId, :type, :zoneId, :hostId, :clusterId, :address, :sipPort, :status,
                    :channelsMax, :cpsMax, :configVersion, :createdAt, :expiresAt)""")
    @GetGeneratedKeys("id")
    long insert(@BindMethods Server server);

    @SqlQuery("SELECT * FROM server WHERE account_id = :accountId AND id = :id")
    Optional<Server> find(long accountId, long id);

    @SqlQuery("SELECT * FROM server WHERE account_id = :accountId ORDER BY id")
    List<Server> list(long accountId);

    @SqlQuery("SELECT COUNT(*) FROM server WHERE account_id = :accountId")
    int count(long accountId);

    /** Fleet-wide: addresses are unique across accounts (one loopback range per machine). */
    @SqlQuery("SELECT address FROM server")
    List<String> usedAddresses();

    @SqlUpdate("UPDATE server SET status = :status WHERE id = :id")
    int setStatus(long id, String status);

    @SqlUpdate("UPDATE server SET cluster_id = :clusterId, config_version = config_version + 1 WHERE id = :id")
    int setCluster(long id, Long clusterId);

}
