package io.sipfleet.control.certificate;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.Names;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.config.ConfigVersions;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import io.sipfleet.control.secret.Secrets;
import io.sipfleet.control.server.ServerDao;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Certificates of an account (the brief's Setup > Information > Certificate) and which servers
 * use them as Server or Client certificate. Private keys are sealed with {@link Secrets}.
 */
public final class CertificateService {

    /** Purpose bound into the ciphertext of private keys (see {@link Secrets}). */
    static final String KEY_PURPOSE = "certificate-key";

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final Clock clock;

    public CertificateService(ControlDatabase db, Secrets secrets, Clock clock) {
        this.jdbi = db.jdbi();
        this.secrets = secrets;
        this.clock = clock;
    }

    public Certificate upload(long accountId, String name, String certificatePem, String privateKeyPem) {
        String n = Names.require("name", name);
        PemBundle b = PemBundle.parse(certificatePem, privateKeyPem, clock.instant());
        String sealed = secrets.encrypt(KEY_PURPOSE, b.keyPem());
        try {
            long id = jdbi.withExtension(CertificateDao.class, dao -> dao.insert(accountId, n,
                    b.leaf().getSubjectX500Principal().getName(), String.join(",", PemBundle.sans(b.leaf())),
                    b.leaf().getNotBefore().toInstant(), b.leaf().getNotAfter().toInstant(), b.fingerprint(),
                    b.chainPem(), sealed, clock.instant()));
            return get(accountId, id);
        } catch (RuntimeException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw new RefusedException(RefusedException.CONFLICT, "name: a certificate named '" + n + "' already exists");
            }
            throw e;
        }
    }

    public List<Certificate> list(long accountId) {
        return jdbi.withExtension(CertificateDao.class, dao -> dao.list(accountId));
    }

    public Certificate get(long accountId, long id) {
        return jdbi.withExtension(CertificateDao.class, dao -> dao.find(accountId, id))
                .orElseThrow(() -> new NotFoundException("certificate", id));
    }

    public List<CertificateDao.Attachment> usedBy(long accountId, long id) {
        get(accountId, id);
        return jdbi.withExtension(CertificateDao.class, dao -> dao.usedBy(id));
    }

    /** The key in clear, for the node that terminates TLS. */
    public String privateKeyPem(Certificate c) {
        return secrets.decrypt(KEY_PURPOSE, c.keyEnc());
    }

    public void delete(long accountId, long id) {
        jdbi.useTransaction(h -> {
            CertificateDao dao = h.attach(CertificateDao.class);
            dao.find(accountId, id).orElseThrow(() -> new NotFoundException("certificate", id));
            List<CertificateDao.Attachment> used = dao.usedBy(id);
            if (!used.isEmpty()) {
                throw new RefusedException(RefusedException.CONFLICT, "certificate " + id + " is attached to server(s) "
                        + used.stream().map(a -> a.serverId() + " (" + a.kind() + ")").toList() + "; detach it first");
            }
            dao.delete(accountId, id);
        });
    }

    public List<CertificateDao.Attachment> ofServer(long accountId, long serverId) {
        return jdbi.withHandle(h -> {
            h.attach(ServerDao.class).find(accountId, serverId).orElseThrow(() -> new NotFoundException("server", serverId));
            return h.attach(CertificateDao.class).ofServer(serverId);
        });
    }

    /** Attaches as {@code kind} (server or client), replacing the server's previous one of that kind. */
    public List<CertificateDao.Attachment> attach(long accountId, long serverId, Long certificateId, String kind) {
        if (certificateId == null) {
            throw new InvalidInputException("certificate_id", "is required");
        }
        if (!Certificate.SERVER.equals(kind) && !Certificate.CLIENT.equals(kind)) {
            throw new InvalidInputException("kind", "must be \"server\" or \"client\", was "
                    + (kind == null ? "missing" : "'" + kind + "'"));
        }
        return jdbi.inTransaction(h -> {
            h.attach(ServerDao.class).find(accountId, serverId).orElseThrow(() -> new NotFoundException("server", serverId));
            CertificateDao dao = h.attach(CertificateDao.class);
            Certificate c = dao.find(accountId, certificateId)
                    .orElseThrow(() -> new NotFoundException("certificate", certificateId));
            if (!c.notAfter().isAfter(clock.instant())) {
                throw new InvalidInputException("certificate_id", "certificate " + certificateId + " expired at " + c.notAfter());
            }
            if (Certificate.SERVER.equals(kind) && tlsOn(h, serverId)) {
                requireCovers(h, serverId, c);
            }
            dao.detachKind(serverId, kind);
            dao.attach(serverId, certificateId, kind);
            ConfigVersions.bumpServer(h, serverId);
            return dao.ofServer(serverId);
        });
    }

    public void detach(long accountId, long serverId, long certificateId) {
        jdbi.useTransaction(h -> {
            h.attach(ServerDao.class).find(accountId, serverId).orElseThrow(() -> new NotFoundException("server", serverId));
            CertificateDao dao = h.attach(CertificateDao.class);
            List<CertificateDao.Attachment> mine = dao.ofServer(serverId).stream()
                    .filter(a -> a.certificateId() == certificateId).toList();
            if (mine.isEmpty()) {
                throw new NotFoundException("certificate " + certificateId + " is not attached to server " + serverId);
            }
            if (mine.stream().anyMatch(a -> Certificate.SERVER.equals(a.kind())) && tlsOn(h, serverId)) {
                throw new RefusedException(RefusedException.CONFLICT, "server " + serverId + " has tls or webrtc on, "
                        + "which needs its server certificate; turn them off first (PUT /api/servers/" + serverId + "/settings)");
            }
            dao.detach(serverId, certificateId);
            ConfigVersions.bumpServer(h, serverId);
        });
    }

    private static boolean tlsOn(org.jdbi.v3.core.Handle h, long serverId) {
        return h.createQuery("SELECT COUNT(*) FROM server_config WHERE server_id = :id AND (tls OR webrtc)")
                .bind("id", serverId).mapTo(Integer.class).one() > 0;
    }

    /** Replacing the certificate of a TLS server: the new one must still name its FQDN. */
    private static void requireCovers(org.jdbi.v3.core.Handle h, long serverId, Certificate c) {
        String fqdn = h.createQuery("SELECT fqdn FROM server_config WHERE server_id = :id")
                .bind("id", serverId).mapTo(String.class).one();
        boolean covered = List.of(c.sans().split(",")).stream().anyMatch(n -> covers(n, fqdn));
        if (!covered) {
            throw new InvalidInputException("certificate_id", "certificate " + c.id() + " does not cover the server's fqdn "
                    + fqdn + " (it names " + c.sans().replace(",", ", ") + ") and the server has tls on");
        }
    }

    private static boolean covers(String san, String fqdn) {
        String n = san.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("*.")) {
            int dot = fqdn.indexOf('.');
            return dot > 0 && fqdn.substring(dot + 1).equals(n.substring(2));
        }
        return n.equals(fqdn);
    }
}
