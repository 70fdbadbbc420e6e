package io.sipfleet.control.action;

import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.account.Principal;
import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerApi;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/** Server actions, resize, and the audit log. Actions answer when done (the node answers OPTIONS, or it failed). */
public final class ActionApi {

    public record ActionBody(String action) {
    }

    public record ResizeBody(Integer channels, Boolean confirm) {
    }

    /** A completed action: what the audit log recorded and the server as it is now. */
    public record ActionView(String action, String result, String message, ServerApi.ServerView server, AuditEntry audit) {
    }

    private ActionApi() {
    }

    public static List<ApiRoute> routes(ActionService actions, AuditLog audit, Jdbi jdbi,
                                        Function<Server, ServerApi.ServerView> view) {
        return List.of(
                post("/api/servers/{id}/actions", "Run an action on the server through its host agent: "
                                + String.join("|", ActionService.ACTIONS) + "; answers when it is done (200), "
                                + "409 when the server's state does not allow it, 502 when it failed",
                        ActionBody.class, "action result", (ctx, p) -> {
                            long id = PathParams.id(ctx, "id");
                            actions.find(p.accountId(), id); // 404 before looking at the body
                            ActionBody b = Json.read(ctx, ActionBody.class);
                            ctx.json(view(actions.perform(p.accountId(), id, Json.required("action", b.action()),
                                    actor(jdbi, p)), b.action(), view));
                        }),
                post("/api/servers/{id}/resize", "New channel count: up to " + ActionService.LIVE_RESIZE_MAX
                                + " applied live at the next config pull; above it the server restarts at once, "
                                + "which needs \"confirm\": true (else 409 with the warning)",
                        ResizeBody.class, "action result", (ctx, p) -> {
                            long id = PathParams.id(ctx, "id");
                            actions.find(p.accountId(), id);
                            ResizeBody b = Json.read(ctx, ResizeBody.class);
                            ctx.json(view(actions.resize(p.accountId(), id, b.channels(), b.confirm(), actor(jdbi, p)),
                                    "resize", view));
                        }),
                get("/api/servers/{id}/audit", "The server's audit log, newest first (last 200)", "audit entries",
                        (ctx, p) -> {
                            long id = PathParams.id(ctx, "id");
                            actions.find(p.accountId(), id);
                            ctx.json(audit.forServer(p.accountId(), id, 200));
                        }),
                get("/api/audit", "The account's audit log, newest first (last 500)", "audit entries",
                        (ctx, p) -> ctx.json(audit.forAccount(p.accountId(), 500))));
    }

    private static ActionView view(ActionService.Outcome o, String action, Function<Server, ServerApi.ServerView> view) {
        return new ActionView(action, o.audit().result(), o.audit().message(), view.apply(o.server()), o.audit());
    }

    /** "user ops@example.com": the audit log names people, not ids. */
    static String actor(Jdbi jdbi, Principal p) {
        return "user " + jdbi.withHandle(h -> h.createQuery("SELECT email FROM app_user WHERE id = :id")
                .bind("id", p.userId()).mapTo(String.class).findOne().orElse("#" + p.userId()));
    }
}
