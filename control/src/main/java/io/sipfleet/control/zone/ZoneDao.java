package io.sipfleet.control.zone;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** All SQL of zones and hosts. */
@RegisterConstructorMapper(Zone.class)
@RegisterConstructorMapper(Host.class)
public interface ZoneDao {

    @SqlQuery("SELECT * FROM zone ORDER BY id")
    List<Zone> zones();

    @SqlQuery("SELECT * FROM zone WHERE id = :id")
    Optional<Zone> zone(String id);

    @SqlQuery("SELECT * FROM host WHERE zone_id = :zoneId ORDER BY id")
    List<Host> hosts(String zoneId);

    @SqlUpdate("INSERT INTO host (zone_id, name, address) VALUES (:zoneId, :name, :address)")
    @GetGeneratedKeys("id")
    long insertHost(String zoneId, String name, String address);

    /**
     * The host of the zone with the fewest servers: spreads a zone's servers over its hosts. Hosts
     * whose agent was heard from since {@code agentSeenSince} come first (its heartbeat is every
     * 10 s); then hosts whose agent went quiet; hosts that never had one last (nothing starts there).
     */
    @SqlQuery("""
            SELECT h.* FROM host h
             WHERE h.zone_id = :zoneId
             ORDER BY CASE WHEN h.agent_url IS NULL THEN 2
                           WHEN h.agent_seen_at IS NULL OR h.agent_seen_at < :agentSeenSince THEN 1 ELSE 0 END,
                      (SELECT COUNT(*) FROM server s WHERE s.host_id = h.id), h.id
             LIMIT 1""")
    Optional<Host> leastLoadedHost(String zoneId, java.time.Instant agentSeenSince);
}
