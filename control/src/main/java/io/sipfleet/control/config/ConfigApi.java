package io.sipfleet.control.config;

import static io.sipfleet.control.api.ApiRoute.get;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.PathParams;
import java.util.List;

/** The snapshot a node pulls. Served as the exact bytes built, with the version also in a header. */
public final class ConfigApi {

    private ConfigApi() {
    }

    public static List<ApiRoute> routes(SnapshotService snapshots) {
        return List.of(get("/api/servers/{id}/config",
                "The server's configuration snapshot (switch format; version bumps on every change)",
                "snapshot JSON", (ctx, p) -> {
                    Snapshot s = snapshots.snapshot(p.accountId(), PathParams.id(ctx, "id"));
                    ctx.header("X-Config-Version", Long.toString(s.version()))
                            .contentType("application/json")
                            .result(s.json());
                }));
    }
}
