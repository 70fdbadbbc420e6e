package io.sipfleet.control.agent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of hosts as agents see them. */
@RegisterConstructorMapper(AgentHost.class)
public interface AgentDao {

    @SqlQuery("SELECT * FROM host WHERE name = :name")
    Optional<AgentHost> byName(String name);

    @SqlQuery("SELECT * FROM host WHERE id = :id")
    Optional<AgentHost> byId(long id);

    @SqlQuery("SELECT * FROM host ORDER BY id")
    List<AgentHost> all();

    @SqlUpdate("INSERT INTO host (zone_id, name, address, agent_url, agent_seen_at) VALUES (:zone, :name, :address, :url, :now)")
    @GetGeneratedKeys("id")
    long insert(String zone, String name, String address, String url, Instant now);

    @SqlUpdate("UPDATE host SET zone_id = :zone, address = :address, agent_url = :url, agent_seen_at = :now WHERE id = :id")
    void update(long id, String zone, String address, String url, Instant now);
}
