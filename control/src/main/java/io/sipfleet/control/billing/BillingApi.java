package io.sipfleet.control.billing;

import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import io.sipfleet.control.server.Server;
import java.time.Instant;
import java.util.List;

/** Reactivation (accounts) and recording payments / running billing (operator). */
public final class BillingApi {

    public record OperatorTopUpBody(Long amountCents) {
    }

    public record ReactivatedView(long id, String status, String plan, Instant expiresAt, long configVersion) {
    }

    private BillingApi() {
    }

    public static List<ApiRoute> routes(BillingService billing, AccountService accounts) {
        return List.of(
                post("/api/servers/{id}/reactivate", "Reactivate an expired or suspended server: needs a balance of "
                                + "$20 x (1 + other active servers); moves it to the paid plan ($1.00 a day) and takes today's charge",
                        null, "server", (ctx, p) -> {
                            Server s = billing.reactivate(p.accountId(), PathParams.id(ctx, "id"));
                            ctx.json(new ReactivatedView(s.id(), s.effectiveStatus(), s.plan(), s.expiresAt(), s.configVersion()));
                        }),
                post("/api/operator/accounts/{id}/top-ups", "Operator: record a payment received for an account",
                        OperatorTopUpBody.class, "201 ledger entry", (ctx, p) -> {
                            long accountId = PathParams.id(ctx, "id");
                            accounts.account(accountId); // 404 for an unknown account
                            OperatorTopUpBody b = Json.read(ctx, OperatorTopUpBody.class);
                            ctx.status(201).json(accounts.topUp(accountId, Json.required("amount_cents", b.amountCents())));
                        }).operatorOnly(),
                post("/api/operator/billing/run", "Operator: run expiry and daily charges now (the scheduler also does)",
                        null, "what the run did", (ctx, p) -> ctx.json(billing.run())).operatorOnly());
    }
}
