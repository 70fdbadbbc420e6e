package io.sipfleet.control.route;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** All SQL of carrier routes, scoped by account. */
@RegisterConstructorMapper(CarrierRoute.class)
public interface RouteDao {

    @SqlUpdate("""
            INSERT INTO carrier_route (account_id, name, prefix, gateway, cps_limit)
            VALUES (:accountId, :name, :prefix, :gateway, :cpsLimit)""")
    @GetGeneratedKeys("id")
    long insert(long accountId, String name, String prefix, String gateway, int cpsLimit);

    @SqlQuery("SELECT * FROM carrier_route WHERE account_id = :accountId ORDER BY prefix")
    List<CarrierRoute> list(long accountId);

    @SqlQuery("SELECT * FROM carrier_route WHERE account_id = :accountId AND id = :id")
    Optional<CarrierRoute> find(long accountId, long id);

    @SqlUpdate("DELETE FROM carrier_route WHERE account_id = :accountId AND id = :id")
    int delete(long accountId, long id);
}
