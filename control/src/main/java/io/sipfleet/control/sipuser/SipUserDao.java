package io.sipfleet.control.sipuser;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** All SQL of SIP users, scoped by account. */
@RegisterConstructorMapper(SipUser.class)
public interface SipUserDao {

    @SqlUpdate("""
            INSERT INTO sip_user (account_id, username, ha1_md5, ha1_sha256, created_at)
            VALUES (:accountId, :username, :ha1Md5, :ha1Sha256, :now)""")
    @GetGeneratedKeys("id")
    long insert(long accountId, String username, String ha1Md5, String ha1Sha256, Instant now);

    @SqlQuery("SELECT * FROM sip_user WHERE account_id = :accountId ORDER BY username")
    List<SipUser> list(long accountId);

    @SqlQuery("SELECT * FROM sip_user WHERE account_id = :accountId AND id = :id")
    Optional<SipUser> find(long accountId, long id);

    @SqlUpdate("DELETE FROM sip_user WHERE account_id = :accountId AND id = :id")
    int delete(long accountId, long id);
}
