package io.sipfleet.control;

import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.account.Signup;
import java.time.Clock;

/** Accounts in a known state. */
public final class Fixtures {

    private Fixtures() {
    }

    /** An account with the whole checklist done and {@code cents} on the balance. */
    public static Signup readyAccount(AccountService accounts, long cents, String email) {
        Signup s = accounts.signup("Acme Telecom", email);
        accounts.updateContact(s.accountId(), "Ada Ops", email, "+1 555 0100");
        accounts.acceptTerms(s.accountId());
        accounts.topUp(s.accountId(), cents);
        return s;
    }

    public static AccountService accounts(Databases.Db db, Clock clock) {
        return new AccountService(db.db(), clock);
    }
}
