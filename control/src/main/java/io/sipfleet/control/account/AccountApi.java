package io.sipfleet.control.account;

import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;
import static io.sipfleet.control.api.ApiRoute.put;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import java.time.Instant;
import java.util.List;

/** HTTP endpoints of accounts, balance, ledger and checklist. */
public final class AccountApi {

    public record SignupBody(String name, String email) {
    }

    public record SignupView(long accountId, String token, String note) {
    }

    public record ContactBody(String name, String email, String phone) {
    }

    public record TermsBody(Boolean accept) {
    }

    public record TopUpBody(Long amountCents) {
    }

    public record AccountView(long id, String name, String sipRealm, String contactName, String contactEmail,
                              String contactPhone, Instant termsAcceptedAt, long balanceCents, String balance,
                              boolean checklistComplete, List<String> checklistMissing) {
    }

    public record BalanceView(long balanceCents, String balance, int servers, long requiredForNextServerCents) {
    }

    public record ChecklistView(boolean complete, List<String> missing, List<Checklist.Item> items) {
    }

    private AccountApi() {
    }

    /** {@code serverCount} answers how many servers the account has (for the next deploy's deposit). */
    public static List<ApiRoute> routes(AccountService accounts, ServerCounter serverCount) {
        return routes(accounts, serverCount, false);
    }

    /**
     * @param selfTopUps demo only: let an account credit itself. Without a payment provider this
     *                   would be free money, so by default top-ups are recorded only by the
     *                   operator (POST /api/operator/accounts/{id}/top-ups) once paid.
     */
    public static List<ApiRoute> routes(AccountService accounts, ServerCounter serverCount, boolean selfTopUps) {
        return List.of(
                post("/api/accounts", "Create an account and its first user; the token is shown once", SignupBody.class,
                        "201 {account_id, token}", (ctx, p) -> {
                            SignupBody b = Json.read(ctx, SignupBody.class);
                            Signup s = accounts.signup(b.name(), b.email());
                            ctx.status(201).json(new SignupView(s.accountId(), s.token(),
                                    "keep this token: it is not shown again; send it as 'Authorization: Bearer TOKEN'"));
                        }).unauthenticated(),
                get("/api/account", "The caller's account with balance and checklist state", "account",
                        (ctx, p) -> ctx.json(view(accounts, p.accountId()))),
                put("/api/account/contact", "Set the contact details (checklist item contact_details)", ContactBody.class,
                        "account", (ctx, p) -> {
                            ContactBody b = Json.read(ctx, ContactBody.class);
                            accounts.updateContact(p.accountId(), b.name(), b.email(), b.phone());
                            ctx.json(view(accounts, p.accountId()));
                        }),
                post("/api/account/terms", "Accept the terms of service (checklist item terms_accepted)", TermsBody.class,
                        "account", (ctx, p) -> {
                            TermsBody b = Json.read(ctx, TermsBody.class);
                            if (!Boolean.TRUE.equals(Json.required("accept", b.accept()))) {
                                throw new InvalidInputException("accept", "must be true to accept the terms");
                            }
                            accounts.acceptTerms(p.accountId());
                            ctx.json(view(accounts, p.accountId()));
                        }),
                get("/api/account/balance", "Balance in cents and the deposit the next deploy needs", "balance",
                        (ctx, p) -> {
                            long cents = accounts.balanceCents(p.accountId());
                            int servers = serverCount.count(p.accountId());
                            ctx.json(new BalanceView(cents, Money.format(cents), servers,
                                    Money.DEPOSIT_PER_SERVER_CENTS * (servers + 1L)));
                        }),
                post("/api/account/top-ups", "Add money to the balance yourself: demo installations only "
                                + "(control --demo-self-top-ups); otherwise 403, the operator records payments",
                        TopUpBody.class, "201 ledger entry", (ctx, p) -> {
                            if (!selfTopUps) {
                                throw new RefusedException(RefusedException.FORBIDDEN, "self top-ups are off: there is no "
                                        + "payment provider, so the operator records a payment once received "
                                        + "(POST /api/operator/accounts/{id}/top-ups); demo installations run "
                                        + "control with --demo-self-top-ups");
                            }
                            TopUpBody b = Json.read(ctx, TopUpBody.class);
                            ctx.status(201).json(accounts.topUp(p.accountId(), Json.required("amount_cents", b.amountCents())));
                        }),
                get("/api/account/ledger", "Every top-up, charge and refund, oldest first", "ledger entries",
                        (ctx, p) -> ctx.json(accounts.ledger(p.accountId()))),
                get("/api/account/checklist", "The Getting Started checklist and what is missing", "checklist",
                        (ctx, p) -> {
                            Checklist c = accounts.checklist(p.accountId());
                            ctx.json(new ChecklistView(c.complete(), c.missing(), c.items()));
                        }));
    }

    private static AccountView view(AccountService accounts, long accountId) {
        Account a = accounts.account(accountId);
        long cents = accounts.balanceCents(accountId);
        Checklist c = accounts.checklist(accountId);
        return new AccountView(a.id(), a.name(), a.sipRealm(), a.contactName(), a.contactEmail(), a.contactPhone(),
                a.termsAcceptedAt(), cents, Money.format(cents), c.complete(), c.missing());
    }

    /** Number of servers of an account; keeps this package from depending on the server feature. */
    @FunctionalInterface
    public interface ServerCounter {
        int count(long accountId);
    }
}
