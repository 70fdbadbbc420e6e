package io.sipfleet.control.health;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of {@code server_runtime}. Rows are created on first write ({@link RuntimeStore#ensure}). */
@RegisterConstructorMapper(ServerRuntime.class)
public interface RuntimeDao {

    @SqlUpdate("""
            INSERT INTO server_runtime (server_id)
            SELECT id FROM server WHERE id = :id
               AND NOT EXISTS (SELECT 1 FROM server_runtime WHERE server_id = :id)""")
    void insertIfMissing(long id);

    @SqlQuery("SELECT * FROM server_runtime WHERE server_id = :id")
    Optional<ServerRuntime> find(long id);

    @SqlUpdate("UPDATE server_runtime SET status_reason = :reason WHERE server_id = :id")
    void reason(long id, String reason);

    @SqlUpdate("UPDATE server_runtime SET version = :version WHERE server_id = :id")
    void version(long id, String version);

    @SqlUpdate("UPDATE server_runtime SET applied_config_version = :applied WHERE server_id = :id")
    void applied(long id, Long applied);

    @SqlUpdate("""
            UPDATE server_runtime SET sip_latency_ms = :sip, tcp_latency_ms = :tcp, icmp_latency_ms = :icmp,
                   channels_in_use = :channels, probed_at = :at WHERE server_id = :id""")
    void probe(long id, Double sip, Double tcp, Double icmp, Integer channels, Instant at);
}
