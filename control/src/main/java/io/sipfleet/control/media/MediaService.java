package io.sipfleet.control.media;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import io.sipfleet.control.zone.ZoneService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * RTP servers: media relays register themselves (address, aliases, zone) and re-register as a
 * heartbeat; accounts list them per zone to pick the one adding the least latency.
 */
public final class MediaService {

    static final int MAX_ALIASES = 10;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-))(\\.((?!-)[a-z0-9-]{1,63}(?<!-)))*");

    private final Jdbi jdbi;
    private final Clock clock;
    private final ZoneService zones;

    public MediaService(ControlDatabase db, Clock clock) {
        this.jdbi = db.jdbi();
        this.clock = clock;
        this.zones = new ZoneService(db);
    }

    /** Registers or refreshes the media server at {@code address}; true if it is new. */
    public Registered register(String address, List<String> aliases, String zone) {
        String ip = ip("address", address);
        String zoneId = zones.requireZone(zone).id();
        String joined = String.join(",", aliases(aliases));
        return Transactions.inTransactionRetrying(jdbi, h -> {
            MediaDao dao = h.attach(MediaDao.class);
            var existing = dao.lockByAddress(ip);
            if (existing.isPresent()) {
                dao.update(existing.get().id(), joined, zoneId, clock.instant());
                return new Registered(dao.find(existing.get().id()).orElseThrow(), false);
            }
            long id = dao.insert(ip, joined, zoneId, clock.instant());
            return new Registered(dao.find(id).orElseThrow(), true);
        });
    }

    public record Registered(MediaServer server, boolean created) {
    }

    public List<MediaServer> list(String zone) {
        if (zone == null) {
            return jdbi.withExtension(MediaDao.class, MediaDao::all);
        }
        String zoneId = zones.requireZone(zone).id();
        return jdbi.withExtension(MediaDao.class, dao -> dao.inZone(zoneId));
    }

    public void delete(long id) {
        if (jdbi.withExtension(MediaDao.class, dao -> dao.delete(id)) == 0) {
            throw new NotFoundException("no media server with id " + id);
        }
    }

    private static List<String> aliases(List<String> raw) {
        if (raw == null) {
            return List.of();
        }
        if (raw.size() > MAX_ALIASES) {
            throw new InvalidInputException("aliases", "at most " + MAX_ALIASES + ", was " + raw.size());
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String a = raw.get(i) == null ? "" : raw.get(i).strip().toLowerCase(Locale.ROOT);
            if (!IPV4.matcher(a).matches() && !HOST.matcher(a).matches() && !(a.contains(":") && IPV6.matcher(a).matches())) {
                throw new InvalidInputException("aliases[" + i + "]", "must be a host name or an IP address, was '"
                        + (raw.get(i) == null ? "null" : raw.get(i)) + "'");
            }
            out.add(a);
        }
        return new ArrayList<>(out);
    }

    static String ip(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException(field, "is required (the relay's IP address)");
        }
        String a = raw.strip();
        if (IPV4.matcher(a).matches()) {
            return a;
        }
        if (a.contains(":") && IPV6.matcher(a).matches()) {
            try {
                // A literal with ':' is never looked up in DNS.
                return java.net.InetAddress.getByName(a).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                // falls through to the message below
            }
        }
        throw new InvalidInputException(field, "must be an IPv4 or IPv6 address, was '" + a + "'");
    }
}
