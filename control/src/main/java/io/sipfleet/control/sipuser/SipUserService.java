package io.sipfleet.control.sipuser;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountDao;
import io.sipfleet.control.config.ConfigVersions;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** SIP users of an account: part of every switch snapshot of the account. */
public final class SipUserService {

    /** SIP user part without escaping: what phones let a person type. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._+-]{1,64}");
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 128;

    private final Jdbi jdbi;
    private final Clock clock;

    public SipUserService(ControlDatabase db, Clock clock) {
        this.jdbi = db.jdbi();
        this.clock = clock;
    }

    public SipUser create(long accountId, String username, String password) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new InvalidInputException("username", "must be 1 to 64 letters, digits, '.', '_', '+' or '-'");
        }
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new InvalidInputException("password", "must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        try {
            return jdbi.inTransaction(h -> {
                String realm = h.attach(AccountDao.class).find(accountId)
                        .orElseThrow(() -> new NotFoundException("account", accountId)).sipRealm();
                SipUserDao dao = h.attach(SipUserDao.class);
                long id = dao.insert(accountId, username, Ha1.md5(username, realm, password),
                        Ha1.sha256(username, realm, password), clock.instant());
                ConfigVersions.bumpAccount(h, accountId);
                return dao.find(accountId, id).orElseThrow();
            });
        } catch (RuntimeException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw new RefusedException(RefusedException.CONFLICT, "username: SIP user '" + username + "' already exists");
            }
            throw e;
        }
    }

    public List<SipUser> list(long accountId) {
        return jdbi.withExtension(SipUserDao.class, dao -> dao.list(accountId));
    }

    public SipUser get(long accountId, long id) {
        return jdbi.withExtension(SipUserDao.class, dao -> dao.find(accountId, id))
                .orElseThrow(() -> new NotFoundException("SIP user", id));
    }

    public void delete(long accountId, long id) {
        jdbi.useTransaction(h -> {
            if (h.attach(SipUserDao.class).delete(accountId, id) == 0) {
                throw new NotFoundException("SIP user", id);
            }
            ConfigVersions.bumpAccount(h, accountId);
        });
    }
}
