package io.sipfleet.control.cluster;

import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.time.Instant;
import java.util.List;

/** HTTP endpoints of clusters. */
public final class ClusterApi {

    public record ClusterBody(String name) {
    }

    public record ClusterView(long id, String name, String scopeId, List<Long> servers, Instant createdAt) {
    }

    private ClusterApi() {
    }

    public static List<ApiRoute> routes(ClusterService clusters) {
        return List.of(
                get("/api/clusters", "The account's clusters", "clusters", (ctx, p) -> ctx.json(
                        clusters.list(p.accountId()).stream().map(c -> view(clusters, c)).toList())),
                post("/api/clusters", "Create a cluster by name", ClusterBody.class, "201 cluster", (ctx, p) -> {
                    ClusterBody b = Json.read(ctx, ClusterBody.class);
                    ctx.status(201).json(view(clusters, clusters.create(p.accountId(), b.name())));
                }),
                get("/api/clusters/{id}", "One cluster with its member servers", "cluster", (ctx, p) ->
                        ctx.json(view(clusters, clusters.get(p.accountId(), PathParams.id(ctx, "id"))))));
    }

    private static ClusterView view(ClusterService clusters, Cluster c) {
        return new ClusterView(c.id(), c.name(), c.scopeId(), clusters.members(c.accountId(), c.id()), c.createdAt());
    }
}
