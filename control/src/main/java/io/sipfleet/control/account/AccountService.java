package io.sipfleet.control.account;

import io.sipfleet.control.Inputs;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Accounts, their users and tokens, the ledger and the Getting Started checklist. */
public final class AccountService {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()\\-]{5,30}");

    private final Jdbi jdbi;
    private final Clock clock;

    public AccountService(ControlDatabase db, Clock clock) {
        this.jdbi = db.jdbi();
        this.clock = clock;
    }

    public Signup signup(String name, String email) {
        String cleanName = Inputs.text("name", name, 200);
        String cleanEmail = email(email);
        String token = ApiTokens.newToken();
        try {
            return jdbi.inTransaction(h -> {
                AccountDao dao = h.attach(AccountDao.class);
                long accountId = dao.insertAccount(cleanName, "pending", clock.instant());
                // The realm must be unique per account: HA1s are computed with it and must not collide.
                dao.setRealm(accountId, "a" + accountId + ".sipfleet.local");
                long userId = dao.insertUser(accountId, cleanEmail, clock.instant());
                dao.insertToken(userId, ApiTokens.hash(token), clock.instant());
                return new Signup(accountId, userId, token);
            });
        } catch (RuntimeException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw new RefusedException(RefusedException.CONFLICT, "email: a user with this email already exists");
            }
            throw e;
        }
    }

    /**
     * A new API token for the existing user {@code email} (e.g. {@code sipfleet up} on a second run:
     * tokens are kept only as hashes, so the old one cannot be shown again). Empty if no such user.
     */
    public Optional<Signup> issueToken(String email) {
        String token = ApiTokens.newToken();
        return jdbi.inTransaction(h -> h.createQuery("SELECT id, account_id FROM app_user WHERE email = :e")
                .bind("e", email).map((rs, ctx) -> new long[] {rs.getLong("id"), rs.getLong("account_id")}).findOne()
                .map(ids -> {
                    h.attach(AccountDao.class).insertToken(ids[0], ApiTokens.hash(token), clock.instant());
                    return new Signup(ids[1], ids[0], token);
                }));
    }

    /** The account a bearer token acts for, if the token is known and not revoked. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(ApiTokens.PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        return jdbi.withExtension(AccountDao.class, dao -> dao.findToken(ApiTokens.hash(token)))
                .filter(row -> ApiTokens.matches(token, row.tokenHash()))
                .map(row -> new Principal(row.accountId(), row.userId()));
    }

    public Account account(long accountId) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.find(accountId))
                .orElseThrow(() -> new NotFoundException("account", accountId));
    }

    public long balanceCents(long accountId) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.balance(accountId));
    }

    public List<LedgerEntry> ledger(long accountId) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.ledger(accountId));
    }

    /**
     * Records a payment. There is no payment provider yet: callers must only reach this after the
     * money was taken (see the issue); the API exposes it for the demo and tests.
     */
    public LedgerEntry topUp(long accountId, long amountCents) {
        if (amountCents < 1 || amountCents > Money.MAX_TOP_UP_CENTS) {
            throw new InvalidInputException("amount_cents", "must be between 1 and " + Money.MAX_TOP_UP_CENTS
                    + " (cents), was " + amountCents);
        }
        return addEntry(accountId, LedgerEntry.TOP_UP, amountCents, "top-up");
    }

    public LedgerEntry refund(long accountId, long amountCents, String note) {
        if (amountCents < 1) {
            throw new InvalidInputException("amount_cents", "must be a positive number of cents, was " + amountCents);
        }
        return addEntry(accountId, LedgerEntry.REFUND, amountCents, Inputs.text("note", note, 200));
    }

    private LedgerEntry addEntry(long accountId, String kind, long cents, String note) {
        return jdbi.inTransaction(h -> {
            AccountDao dao = h.attach(AccountDao.class);
            dao.lock(accountId).orElseThrow(() -> new NotFoundException("account", accountId));
            long id = dao.insertLedger(accountId, kind, cents, null, null, note, clock.instant());
            return dao.ledger(accountId).stream().filter(e -> e.id() == id).findFirst().orElseThrow();
        });
    }

    public Account updateContact(long accountId, String name, String email, String phone) {
        String n = Inputs.text("name", name, 200);
        String e = email(email);
        String p = Inputs.text("phone", phone, 30);
        if (!PHONE.matcher(p).matches()) {
            throw new InvalidInputException("phone", "must be a phone number like +1 555 0100 (digits, spaces, +, -, parentheses)");
        }
        jdbi.useExtension(AccountDao.class, dao -> dao.updateContact(accountId, n, e, p));
        return account(accountId);
    }

    public Account acceptTerms(long accountId) {
        jdbi.useExtension(AccountDao.class, dao -> dao.acceptTerms(accountId, clock.instant()));
        return account(accountId);
    }

    public Checklist checklist(long accountId) {
        return jdbi.withHandle(h -> checklist(h, accountId));
    }

    /** The checklist as seen inside a transaction (the deploy checks it under the account lock). */
    public static Checklist checklist(Handle h, long accountId) {
        AccountDao dao = h.attach(AccountDao.class);
        Account account = dao.find(accountId).orElseThrow(() -> new NotFoundException("account", accountId));
        return Checklist.of(account, dao.hasTopUp(accountId));
    }

    private static String email(String email) {
        String e = Inputs.text("email", email, 320);
        if (!EMAIL.matcher(e).matches()) {
            throw new InvalidInputException("email", "must be an email address like ops@example.com");
        }
        return e;
    }
}
