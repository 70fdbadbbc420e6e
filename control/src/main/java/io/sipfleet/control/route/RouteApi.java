package io.sipfleet.control.route;

import static io.sipfleet.control.api.ApiRoute.delete;
import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.util.List;

/** HTTP endpoints of carrier routes. */
public final class RouteApi {

    public record RouteBody(String name, String prefix, String gateway, Integer cpsLimit) {
    }

    public record RouteView(long id, String name, String prefix, String gateway, int cpsLimit) {
    }

    private RouteApi() {
    }

    public static List<ApiRoute> routes(RouteService routes) {
        return List.of(
                get("/api/routes", "The account's carrier routes", "routes", (ctx, p) -> ctx.json(
                        routes.list(p.accountId()).stream().map(RouteApi::view).toList())),
                post("/api/routes", "Create a carrier route: prefix -> gateway with a CPS limit (0 = none)",
                        RouteBody.class, "201 route", (ctx, p) -> {
                            RouteBody b = Json.read(ctx, RouteBody.class);
                            int cps = b.cpsLimit() == null ? 0 : b.cpsLimit();
                            ctx.status(201).json(view(routes.create(p.accountId(), b.name(), b.prefix(), b.gateway(), cps)));
                        }),
                get("/api/routes/{id}", "One carrier route", "route", (ctx, p) ->
                        ctx.json(view(routes.get(p.accountId(), PathParams.id(ctx, "id"))))),
                delete("/api/routes/{id}", "Delete a carrier route", (ctx, p) -> {
                    routes.delete(p.accountId(), PathParams.id(ctx, "id"));
                    ctx.status(204);
                }));
    }

    private static RouteView view(CarrierRoute r) {
        return new RouteView(r.id(), r.name(), r.prefix(), r.gateway(), r.cpsLimit());
    }
}
