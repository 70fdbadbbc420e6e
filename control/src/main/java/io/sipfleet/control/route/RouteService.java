package io.sipfleet.control.route;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.Names;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.config.ConfigVersions;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import java.util.List;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** Carrier routes of an account: part of every switch snapshot of the account. */
public final class RouteService {

    static final int MAX_CPS = 100_000;
    private static final Pattern PREFIX = Pattern.compile("[0-9]{0,32}");
    /** sip: or sips: URI of a host (name, IPv4 or [IPv6]) with an optional port and parameters. */
    private static final Pattern GATEWAY =
            Pattern.compile("sips?:(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?(?:;[A-Za-z0-9=;._-]*)?");

    private final Jdbi jdbi;

    public RouteService(ControlDatabase db) {
        this.jdbi = db.jdbi();
    }

    public CarrierRoute create(long accountId, String name, String prefix, String gateway, int cpsLimit) {
        String n = Names.require("name", name);
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new InvalidInputException("prefix", "must be 0 to 32 digits (\"\" is the default route)");
        }
        if (gateway == null || !GATEWAY.matcher(gateway).matches()) {
            throw new InvalidInputException("gateway", "must be a SIP URI of a host, like sip:203.0.113.5:5060");
        }
        if (cpsLimit < 0 || cpsLimit > MAX_CPS) {
            throw new InvalidInputException("cps_limit", "must be between 0 (no limit) and " + MAX_CPS + ", was " + cpsLimit);
        }
        try {
            return jdbi.inTransaction(h -> {
                RouteDao dao = h.attach(RouteDao.class);
                long id = dao.insert(accountId, n, prefix, gateway, cpsLimit);
                ConfigVersions.bumpAccount(h, accountId);
                return dao.find(accountId, id).orElseThrow();
            });
        } catch (RuntimeException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw new RefusedException(RefusedException.CONFLICT, "prefix: a route for prefix '" + prefix + "' already exists");
            }
            throw e;
        }
    }

    public List<CarrierRoute> list(long accountId) {
        return jdbi.withExtension(RouteDao.class, dao -> dao.list(accountId));
    }

    public CarrierRoute get(long accountId, long id) {
        return jdbi.withExtension(RouteDao.class, dao -> dao.find(accountId, id))
                .orElseThrow(() -> new NotFoundException("route", id));
    }

    public void delete(long accountId, long id) {
        jdbi.useTransaction(h -> {
            if (h.attach(RouteDao.class).delete(accountId, id) == 0) {
                throw new NotFoundException("route", id);
            }
            ConfigVersions.bumpAccount(h, accountId);
        });
    }
}
