package io.sipfleet.control.sipuser;

import static io.sipfleet.control.api.ApiRoute.delete;
import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.time.Instant;
import java.util.List;

/** HTTP endpoints of SIP users. Views never carry HA1s: they authenticate like passwords. */
public final class SipUserApi {

    public record SipUserBody(String username, String password) {
    }

    public record SipUserView(long id, String username, Instant createdAt) {
    }

    private SipUserApi() {
    }

    public static List<ApiRoute> routes(SipUserService users) {
        return List.of(
                get("/api/sip-users", "The account's SIP users", "SIP users", (ctx, p) -> ctx.json(
                        users.list(p.accountId()).stream().map(SipUserApi::view).toList())),
                post("/api/sip-users", "Create a SIP user (the password is turned into HA1s and dropped)",
                        SipUserBody.class, "201 SIP user", (ctx, p) -> {
                            SipUserBody b = Json.read(ctx, SipUserBody.class);
                            ctx.status(201).json(view(users.create(p.accountId(), b.username(), b.password())));
                        }),
                get("/api/sip-users/{id}", "One SIP user", "SIP user", (ctx, p) ->
                        ctx.json(view(users.get(p.accountId(), PathParams.id(ctx, "id"))))),
                delete("/api/sip-users/{id}", "Delete a SIP user", (ctx, p) -> {
                    users.delete(p.accountId(), PathParams.id(ctx, "id"));
                    ctx.status(204);
                }));
    }

    private static SipUserView view(SipUser u) {
        return new SipUserView(u.id(), u.username(), u.createdAt());
    }
}
