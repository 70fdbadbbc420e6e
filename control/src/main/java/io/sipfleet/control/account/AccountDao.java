package io.sipfleet.control.account;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** All SQL of accounts, users, tokens and the ledger. */
@RegisterConstructorMapper(Account.class)
@RegisterConstructorMapper(LedgerEntry.class)
public interface AccountDao {

    @SqlUpdate("INSERT INTO account (name, sip_realm, created_at) VALUES (:name, :sipRealm, :now)")
    @GetGeneratedKeys("id")
    long insertAccount(String name, String sipRealm, Instant now);

    @SqlUpdate("UPDATE account SET sip_realm = :sipRealm WHERE id = :id")
    void setRealm(long id, String sipRealm);

    @SqlUpdate("INSERT INTO app_user (account_id, email, created_at) VALUES (:accountId, :email, :now)")
    @GetGeneratedKeys("id")
    long insertUser(long accountId, String email, Instant now);

    @SqlUpdate("INSERT INTO api_token (user_id, token_hash, created_at) VALUES (:userId, :tokenHash, :now)")
    void insertToken(long userId, String tokenHash, Instant now);

    /** Row of a live token: the hash is returned so the caller can compare it in constant time. */
    record TokenRow(long accountId, long userId, String tokenHash) {
    }

    @SqlQuery("""
            SELECT u.account_id, u.id AS user_id, t.token_hash
              FROM api_token t JOIN app_user u ON u.id = t.user_id
             WHERE t.token_hash = :tokenHash AND t.revoked_at IS NULL""")
    @RegisterConstructorMapper(TokenRow.class)
    Optional<TokenRow> findToken(String tokenHash);

    @SqlQuery("SELECT * FROM account WHERE id = :id")
    Optional<Account> find(long id);

    /** Row lock that serialises everything spending this account's balance (deploys, charges). */
    @SqlQuery("SELECT id FROM account WHERE id = :id FOR UPDATE")
    Optional<Long> lock(long id);

    @SqlUpdate("""
            UPDATE account SET contact_name = :name, contact_email = :email, contact_phone = :phone
             WHERE id = :id""")
    void updateContact(long id, String name, String email, String phone);

    @SqlUpdate("UPDATE account SET terms_accepted_at = :now WHERE id = :id AND terms_accepted_at IS NULL")
    void acceptTerms(long id, Instant now);

    @SqlUpdate("""
            INSERT INTO ledger_entry (account_id, kind, amount_cents, server_id, charge_date, note, created_at)
            VALUES (:accountId, :kind, :amountCents, :serverId, :chargeDate, :note, :now)""")
    @GetGeneratedKeys("id")
    long insertLedger(long accountId, String kind, long amountCents, Long serverId, LocalDate chargeDate,
                      String note, Instant now);

    @SqlQuery("SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entry WHERE account_id = :accountId")
    long balance(long accountId);

    @SqlQuery("SELECT COUNT(*) > 0 FROM ledger_entry WHERE account_id = :accountId AND kind = 'top_up'")
    boolean hasTopUp(long accountId);

    @SqlQuery("SELECT * FROM ledger_entry WHERE account_id = :accountId ORDER BY id")
    List<LedgerEntry> ledger(long accountId);

    @SqlQuery("""
            SELECT COUNT(*) FROM ledger_entry
             WHERE server_id = :serverId AND charge_date = :chargeDate""")
    int chargesOn(long serverId, LocalDate chargeDate);
}
