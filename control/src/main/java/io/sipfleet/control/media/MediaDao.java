package io.sipfleet.control.media;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of media servers: platform-wide, not per account. */
@RegisterConstructorMapper(MediaServer.class)
public interface MediaDao {

    @SqlQuery("SELECT * FROM media_server WHERE address = :address FOR UPDATE")
    Optional<MediaServer> lockByAddress(String address);

    @SqlUpdate("""
            INSERT INTO media_server (address, aliases, zone_id, registered_at, last_seen_at)
            VALUES (:address, :aliases, :zoneId, :now, :now)""")
    @GetGeneratedKeys("id")
    long insert(String address, String aliases, String zoneId, Instant now);

    @SqlUpdate("UPDATE media_server SET aliases = :aliases, zone_id = :zoneId, last_seen_at = :now WHERE id = :id")
    void update(long id, String aliases, String zoneId, Instant now);

    @SqlQuery("SELECT * FROM media_server WHERE id = :id")
    Optional<MediaServer> find(long id);

    @SqlQuery("SELECT * FROM media_server ORDER BY zone_id, address")
    List<MediaServer> all();

    @SqlQuery("SELECT * FROM media_server WHERE zone_id = :zoneId ORDER BY address")
    List<MediaServer> inZone(String zoneId);

    @SqlUpdate("DELETE FROM media_server WHERE id = :id")
    int delete(long id);
}
