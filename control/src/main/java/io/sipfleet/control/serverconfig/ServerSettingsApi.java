package io.sipfleet.control.serverconfig;

import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.put;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** HTTP endpoints of a server's config (the brief's "Server Config" form). */
public final class ServerSettingsApi {

    private ServerSettingsApi() {
    }

    public static List<ApiRoute> routes(ServerSettingsService settings) {
        return List.of(
                get("/api/servers/{id}/settings", "The server's config: FQDN, cluster, UAC auth, TLS/WebRTC, "
                        + "ping, sharing, restrict direct, trace, region, extra ports, capacity failover "
                        + "(UAC passwords are never shown)", "server config", (ctx, p) ->
                        ctx.json(settings.get(p.accountId(), PathParams.id(ctx, "id")))),
                put("/api/servers/{id}/settings", "Change the server's config: fields left out keep their value, "
                                + "null clears an optional one; every rule is checked before anything is saved, "
                                + "and a save bumps the config version", ServerSettings.class, "server config",
                        (ctx, p) -> {
                            long id = PathParams.id(ctx, "id");
                            settings.get(p.accountId(), id); // 404 before looking at the body
                            ServerSettings body = Json.read(ctx, ServerSettings.class);
                            ctx.json(settings.save(p.accountId(), id, body, presentFields(ctx.body())));
                        }));
    }

    private static Set<String> presentFields(String body) {
        Set<String> names = new HashSet<>();
        Json.MAPPER.readTree(body).propertyNames().forEach(names::add);
        return names;
    }
}
