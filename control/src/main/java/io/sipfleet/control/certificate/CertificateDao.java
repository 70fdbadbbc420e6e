package io.sipfleet.control.certificate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of certificates and their attachments; scoped by account. */
@RegisterConstructorMapper(Certificate.class)
@RegisterConstructorMapper(CertificateDao.Attachment.class)
public interface CertificateDao {

    record Attachment(long serverId, long certificateId, String kind) {
    }

    @SqlUpdate("""
            INSERT INTO certificate (account_id, name, subject, sans, not_before, not_after, fingerprint_sha256,
                                     chain_pem, key_enc, created_at)
            VALUES (:accountId, :name, :subject, :sans, :notBefore, :notAfter, :fingerprint, :chainPem, :keyEnc, :now)""")
    @GetGeneratedKeys("id")
    long insert(long accountId, String name, String subject, String sans, Instant notBefore, Instant notAfter,
                String fingerprint, String chainPem, String keyEnc, Instant now);

    @SqlQuery("SELECT * FROM certificate WHERE account_id = :accountId ORDER BY id")
    List<Certificate> list(long accountId);

    @SqlQuery("SELECT * FROM certificate WHERE account_id = :accountId AND id = :id")
    Optional<Certificate> find(long accountId, long id);

    @SqlUpdate("DELETE FROM certificate WHERE account_id = :accountId AND id = :id")
    int delete(long accountId, long id);

    @SqlQuery("SELECT * FROM server_certificate WHERE certificate_id = :certificateId ORDER BY server_id, kind")
    List<Attachment> usedBy(long certificateId);

    @SqlQuery("SELECT * FROM server_certificate WHERE server_id = :serverId ORDER BY kind")
    List<Attachment> ofServer(long serverId);

    @SqlUpdate("DELETE FROM server_certificate WHERE server_id = :serverId AND kind = :kind")
    int detachKind(long serverId, String kind);

    @SqlUpdate("DELETE FROM server_certificate WHERE server_id = :serverId AND certificate_id = :certificateId")
    int detach(long serverId, long certificateId);

    @SqlUpdate("INSERT INTO server_certificate (server_id, certificate_id, kind) VALUES (:serverId, :certificateId, :kind)")
    void attach(long serverId, long certificateId, String kind);
}
