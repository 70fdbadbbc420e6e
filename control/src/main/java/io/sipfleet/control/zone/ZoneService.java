package io.sipfleet.control.zone;

import io.sipfleet.control.Inputs;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.db.ControlDatabase;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Zones are fixed by migration; hosts are added per zone (by an operator now, by agents later). */
public final class ZoneService {

    private final Jdbi jdbi;

    public ZoneService(ControlDatabase db) {
        this.jdbi = db.jdbi();
    }

    public List<Zone> zones() {
        return jdbi.withExtension(ZoneDao.class, ZoneDao::zones);
    }

    public List<Host> hosts(String zoneId) {
        requireZone(zoneId);
        return jdbi.withExtension(ZoneDao.class, dao -> dao.hosts(zoneId));
    }

    public Host addHost(String zoneId, String name, String address) {
        requireZone(zoneId);
        String n = Inputs.text("name", name, 100);
        String a = Inputs.text("address", address, 64);
        long id = jdbi.withExtension(ZoneDao.class, dao -> dao.insertHost(zoneId, n, a));
        return new Host(id, zoneId, n, a);
    }

    public Zone requireZone(String zoneId) {
        return jdbi.withExtension(ZoneDao.class, dao -> dao.zone(zoneId == null ? "" : zoneId))
                .orElseThrow(() -> new InvalidInputException("zone", "unknown zone '" + zoneId + "'; known: "
                        + String.join(", ", zones().stream().map(Zone::id).toList())));
    }
}
