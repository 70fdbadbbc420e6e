package io.sipfleet.control.agent;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.zone.ZoneService;
import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry of host agents: registration (and heartbeat), and a client for a server's host. */
public final class Agents {

    private static final Logger LOG = LoggerFactory.getLogger(Agents.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final ZoneService zones;
    private final String token;

    public Agents(ControlDatabase db, Clock clock, String token) {
        this.jdbi = db.jdbi();
        this.clock = clock;
        this.zones = new ZoneService(db);
        this.token = token;
    }

    /** True if {@code presented} is the agent token (constant-time compare). */
    public boolean tokenMatches(String presented) {
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** Registers (or refreshes) the host {@code name} of zone {@code zone}, reachable at {@code url}. */
    public AgentHost register(AgentProtocol.Register r) {
        String name = r.name() == null ? "" : r.name().strip();
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new InvalidInputException("name", "must be 1-100 letters, digits, '.', '_' or '-'");
        }
        String zone = zones.requireZone(r.zone()).id();
        URI url;
        try {
            url = URI.create(r.url() == null ? "" : r.url());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("url", "must be the agent's http URL, e.g. http://10.0.0.5:7070");
        }
        if (!"http".equals(url.getScheme()) || url.getHost() == null) {
            throw new InvalidInputException("url", "must be the agent's http URL, e.g. http://10.0.0.5:7070");
        }
        return jdbi.inTransaction(h -> {
            AgentDao dao = h.attach(AgentDao.class);
            Optional<AgentHost> known = dao.byName(name);
            if (known.isPresent()) {
                AgentHost host = known.get();
                if (!host.zoneId().equals(zone) && h.createQuery("SELECT COUNT(*) FROM server WHERE host_id = :h")
                        .bind("h", host.id()).mapTo(Integer.class).one() > 0) {
                    throw new RefusedException(RefusedException.CONFLICT, "host '" + name + "' is in zone "
                            + host.zoneId() + " and has servers there; it cannot move to " + zone);
                }
                dao.update(host.id(), zone, url.getHost(), url.toString(), clock.instant());
                if (!url.toString().equals(host.agentUrl())) {
                    LOG.info("agent of host {} (zone {}) registered at {}", name, zone, url);
                }
                return dao.byId(host.id()).orElseThrow();
            }
            long id = dao.insert(zone, name, url.getHost(), url.toString(), clock.instant());
            LOG.info("new host {} in zone {}: agent at {}", name, zone, url);
            return dao.byId(id).orElseThrow();
        });
    }

    /** The agent of host {@code hostId}, or empty if no agent ever registered for it. */
    public Optional<AgentClient> forHost(long hostId) {
        return jdbi.withExtension(AgentDao.class, dao -> dao.byId(hostId))
                .filter(h -> h.agentUrl() != null)
                .map(h -> new AgentClient(h.name(), URI.create(h.agentUrl()), token));
    }
}
