package io.sipfleet.control.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.control.DatabaseTest;
import io.sipfleet.control.Databases;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.RefusedException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AccountServiceTest extends DatabaseTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tokenAuthenticatesItsAccountAndOnlyItsHashIsStored(Databases.Db db) {
        AccountService accounts = new AccountService(db.db(), clock);
        Signup s = accounts.signup("Acme", email());

        assertThat(accounts.authenticate(s.token())).contains(new Principal(s.accountId(), s.userId()));
        assertThat(accounts.authenticate(s.token() + "x")).isEmpty();
        assertThat(accounts.authenticate("sft_nope")).isEmpty();
        assertThat(accounts.authenticate(null)).isEmpty();
        List<String> stored = db.db().jdbi().withHandle(h ->
                h.createQuery("SELECT token_hash FROM api_token").mapTo(String.class).list());
        assertThat(stored).doesNotContain(s.token()).contains(ApiTokens.hash(s.token()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void balanceIsTheSumOfTheLedgerInCents(Databases.Db db) {
        AccountService accounts = new AccountService(db.db(), clock);
        long id = accounts.signup("Acme", email()).accountId();
        assertThat(accounts.balanceCents(id)).isZero();

        accounts.topUp(id, 25_00);
        accounts.topUp(id, 1);
        accounts.refund(id, 3_33, "goodwill");

        assertThat(accounts.balanceCents(id)).isEqualTo(28_34);
        assertThat(accounts.ledger(id)).extracting(LedgerEntry::kind)
                .containsExactly(LedgerEntry.TOP_UP, LedgerEntry.TOP_UP, LedgerEntry.REFUND);
        assertThat(accounts.ledger(id).get(0).createdAt()).isEqualTo(clock.instant());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void topUpOutOfRangeNamesTheField(Databases.Db db) {
        AccountService accounts = new AccountService(db.db(), clock);
        long id = accounts.signup("Acme", email()).accountId();
        assertThatThrownBy(() -> accounts.topUp(id, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("amount_cents:");
        assertThatThrownBy(() -> accounts.topUp(id, Money.MAX_TOP_UP_CENTS + 1)).hasMessageContaining("amount_cents");
        assertThat(accounts.balanceCents(id)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void checklistSaysWhatIsMissingUntilAllIsDone(Databases.Db db) {
        AccountService accounts = new AccountService(db.db(), clock);
        String email = email();
        long id = accounts.signup("Acme", email).accountId();
        assertThat(accounts.checklist(id).missing())
                .containsExactly(Checklist.CONTACT_DETAILS, Checklist.TOP_UP, Checklist.TERMS_ACCEPTED);

        accounts.updateContact(id, "Ada", email, "+1 555 0100");
        accounts.topUp(id, 100);
        assertThat(accounts.checklist(id).missing()).containsExactly(Checklist.TERMS_ACCEPTED);
        assertThat(accounts.checklist(id).complete()).isFalse();

        accounts.acceptTerms(id);
        assertThat(accounts.checklist(id).complete()).isTrue();
        assertThat(accounts.account(id).termsAcceptedAt()).isEqualTo(clock.instant());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void secondSignupWithTheSameEmailIsAConflict(Databases.Db db) {
        AccountService accounts = new AccountService(db.db(), clock);
        String email = email();
        accounts.signup("Acme", email);
        assertThatThrownBy(() -> accounts.signup("Other", email)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("email");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void badContactDetailsNameTheField(Databases.Db db) {
        AccountService accounts = new AccountService(db.db(), clock);
        long id = accounts.signup("Acme", email()).accountId();
        assertThatThrownBy(() -> accounts.updateContact(id, "Ada", "not-an-email", "+1 555 0100"))
                .hasMessageStartingWith("email:");
        assertThatThrownBy(() -> accounts.updateContact(id, "Ada", email(), "call me"))
                .hasMessageStartingWith("phone:");
        assertThatThrownBy(() -> accounts.updateContact(id, " ", email(), "+1 555 0100"))
                .hasMessageStartingWith("name:");
        assertThat(accounts.account(id).contactEmail()).isNull();
    }
}
