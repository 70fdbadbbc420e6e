package io.sipfleet.control.serverconfig;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.config.ConfigVersions;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.secret.Secrets;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerDao;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Reads and saves a server's config. A save is one transaction under the server's row lock:
 * every rule is checked on the merged result before anything is written, so a refused save
 * changes nothing, and an accepted one bumps the config version so nodes pull it.
 */
public final class ServerSettingsService {

    /** Purpose bound into the ciphertext of UAC passwords (see {@link Secrets}). */
    static final String UAC_PASSWORD = "uac-password";

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final java.time.Clock clock;

    public ServerSettingsService(ControlDatabase db, Secrets secrets, java.time.Clock clock) {
        this.clock = clock;
        this.jdbi = db.jdbi();
        this.secrets = secrets;
    }

    public ServerSettings get(long accountId, long serverId) {
        return jdbi.inTransaction(h -> load(h, requireServer(h, accountId, serverId, false)));
    }

    /**
     * Applies the fields of {@code body} named in {@code present} (snake_case, as sent) over the
     * current config; the rest keep their values.
     */
    public ServerSettings save(long accountId, long serverId, ServerSettings body, Set<String> present) {
        return jdbi.inTransaction(h -> {
            Server server = requireServer(h, accountId, serverId, true);
            ServerSettings current = load(h, server);
            ServerSettings merged = Records.merge(current, body, present);
            ServerSettings clean = SettingsRules.check(h, server, merged, normalisedZoneRegion(h, server), clock.instant());
            write(h, server, clean, storedPasswords(h, serverId));
            // This server and its peers (failover target, sharing peers, members) get a new version.
            ConfigVersions.bumpAccount(h, accountId);
            return load(h, server);
        });
    }

    /**
     * Checks that moving {@code server} to {@code clusterId} keeps its config valid (the rules of a
     * save naming only cluster_id); throws the same 4xx a config save would.
     */
    public static void checkClusterChange(Handle h, Server server, Long clusterId, java.time.Instant now) {
        ServerSettings current = load(h, server);
        ServerSettings moved = Records.merge(current, new ServerSettings(null, clusterId, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null), Set.of("cluster_id"));
        SettingsRules.check(h, server, moved, normalisedZoneRegion(h, server), now);
    }

    /** The config of {@code server} with defaults for what was never saved; passwords left out. */
    public static ServerSettings load(Handle h, Server server) {
        ServerSettingsDao dao = h.attach(ServerSettingsDao.class);
        List<ServerSettings.UacRegistration> uac = dao.registrations(server.id()).stream()
                .map(r -> new ServerSettings.UacRegistration(r.registrar(), r.username(), null, r.expiresSeconds()))
                .toList();
        return dao.find(server.id())
                .map(r -> new ServerSettings(r.fqdn(), server.clusterId(), r.interconnect(), uac, r.webrtc(), r.tls(),
                        r.autoUpgrade(), r.disableUacPing(), r.uacLocationSharing(), r.tlsInternals(),
                        r.restrictDirect(), r.tcpSipTrace(), r.traceCollector(), r.region(), ports(r.extraUdpPorts()),
                        ports(r.extraTcpPorts()), ports(r.extraTlsPorts()), r.capacityFailoverServerId()))
                .orElseGet(() -> new ServerSettings(null, server.clusterId(), false, uac, false, false, false, false,
                        false, false, false, false, null, normalisedZoneRegion(h, server), List.of(), List.of(),
                        List.of(), null));
    }

    /** UAC registrations with their passwords decrypted, for the node that registers upstream. */
    public List<ServerSettings.UacRegistration> registrationsWithPasswords(Handle h, long serverId) {
        return registrationsWithPasswords(h, secrets, serverId);
    }

    /** As {@link #registrationsWithPasswords(Handle, long)}, with the control plane's key given. */
    public static List<ServerSettings.UacRegistration> registrationsWithPasswords(Handle h, Secrets secrets, long serverId) {
        return h.attach(ServerSettingsDao.class).registrations(serverId).stream()
                .map(r -> new ServerSettings.UacRegistration(r.registrar(), r.username(),
                        secrets.decrypt(UAC_PASSWORD, r.passwordEnc()), r.expiresSeconds()))
                .toList();
    }

    private static Server requireServer(Handle h, long accountId, long serverId, boolean lock) {
        String sql = "SELECT * FROM server WHERE account_id = :a AND id = :id" + (lock ? " FOR UPDATE" : "");
        return h.createQuery(sql).bind("a", accountId).bind("id", serverId)
                .map(ConstructorMapper.of(Server.class))
                .findOne()
                .orElseThrow(() -> new NotFoundException("server", serverId));
    }

    private static String normalisedZoneRegion(Handle h, Server server) {
        return h.createQuery("SELECT region FROM zone WHERE id = :z").bind("z", server.zoneId())
                .mapTo(String.class).one();
    }

    private static Map<String, String> storedPasswords(Handle h, long serverId) {
        Map<String, String> sealed = new HashMap<>();
        for (ServerSettingsDao.UacRow r : h.attach(ServerSettingsDao.class).registrations(serverId)) {
            sealed.put(r.registrar() + "\n" + r.username(), r.passwordEnc());
        }
        return sealed;
    }

    private void write(Handle h, Server server, ServerSettings s, Map<String, String> sealedBefore) {
        List<String> sealed = new java.util.ArrayList<>();
        for (int i = 0; i < s.uacRegistrations().size(); i++) {
            ServerSettings.UacRegistration r = s.uacRegistrations().get(i);
            String value = r.password() != null
                    ? secrets.encrypt(UAC_PASSWORD, r.password())
                    : sealedBefore.get(r.registrar() + "\n" + r.username());
            if (value == null) {
                throw new InvalidInputException("uac_registrations[" + i + "].password",
                        "is required for a new registration (" + r.username() + " at " + r.registrar() + ")");
            }
            sealed.add(value);
        }
        ServerSettingsDao dao = h.attach(ServerSettingsDao.class);
        if (!java.util.Objects.equals(server.clusterId(), s.clusterId())) {
            h.attach(ServerDao.class).setCluster(server.id(), s.clusterId());
        }
        dao.delete(server.id());
        dao.insert(new ServerSettingsDao.Row(server.id(), s.fqdn(), s.interconnect(), s.webrtc(), s.tls(),
                s.autoUpgrade(), s.disableUacPing(), s.uacLocationSharing(), s.tlsInternals(), s.restrictDirect(),
                s.tcpSipTrace(), s.traceCollector(), s.region(), text(s.extraUdpPorts()), text(s.extraTcpPorts()),
                text(s.extraTlsPorts()), s.capacityFailoverServerId()));
        dao.deleteRegistrations(server.id());
        for (int i = 0; i < s.uacRegistrations().size(); i++) {
            ServerSettings.UacRegistration r = s.uacRegistrations().get(i);
            dao.insertRegistration(server.id(), r.registrar(), r.username(), sealed.get(i), r.expiresSeconds());
        }
    }

    static List<Integer> ports(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(Integer::valueOf).toList();
    }

    private static String text(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

}
