package io.sipfleet.control.cluster;

import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;
import static io.sipfleet.control.api.ApiRoute.put;

import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** HTTP endpoints of clusters. */
public final class ClusterApi {

    /**
     * Create (name required) or change (every field optional: left out keeps its value) a cluster.
     *
     * @param clustering the members' clustering block: store_fail_mode, member_channel_limit,
     *                   capacity_failover_mode, channel_lease_ttl_seconds
     */
    public record ClusterBody(String name, Clustering.Change clustering) {
    }

    public record ClusterView(long id, String name, String scopeId, Clustering clustering, List<Long> servers,
                              Instant createdAt) {
    }

    private ClusterApi() {
    }

    public static List<ApiRoute> routes(ClusterService clusters) {
        return List.of(
                get("/api/clusters", "The account's clusters", "clusters", (ctx, p) -> ctx.json(
                        clusters.list(p.accountId()).stream().map(c -> view(clusters, c)).toList())),
                post("/api/clusters", "Create a cluster by name, optionally with its members' clustering settings "
                        + "(store_fail_mode closed|open, member_channel_limit, capacity_failover_mode redirect|forward, "
                        + "channel_lease_ttl_seconds; defaults closed, 0, redirect, 90)", ClusterBody.class, "201 cluster",
                        (ctx, p) -> {
                            ClusterBody b = Json.read(ctx, ClusterBody.class);
                            ctx.status(201).json(view(clusters, clusters.create(p.accountId(), b.name(), b.clustering(),
                                    clusteringNulls(ctx.body()))));
                        }),
                get("/api/clusters/{id}", "One cluster with its clustering settings and member servers", "cluster",
                        (ctx, p) -> ctx.json(view(clusters, clusters.get(p.accountId(), PathParams.id(ctx, "id"))))),
                put("/api/clusters/{id}", "Rename a cluster or change its clustering settings: fields left out keep "
                        + "their value; a change of the settings bumps the config version of the cluster's switches",
                        ClusterBody.class, "cluster", (ctx, p) -> {
                            long id = PathParams.id(ctx, "id");
                            clusters.get(p.accountId(), id); // 404 before looking at the body
                            ClusterBody b = Json.read(ctx, ClusterBody.class);
                            if (Json.MAPPER.readTree(ctx.body()).path("name").isNull()) {
                                throw new InvalidInputException("name", "must not be null; leave it out to keep the name");
                            }
                            ctx.json(view(clusters, clusters.update(p.accountId(), id, b.name(), b.clustering(),
                                    clusteringNulls(ctx.body()))));
                        }));
    }

    /**
     * The clustering fields sent as JSON null. Null is refused rather than read as "keep" or
     * "default", which a client could mean either way.
     */
    private static Set<String> clusteringNulls(String body) {
        JsonNode clustering = Json.MAPPER.readTree(body).get("clustering");
        Set<String> nulls = new HashSet<>();
        if (clustering != null && clustering.isNull()) {
            throw new InvalidInputException("clustering", "must be an object of the settings to change, not null");
        }
        if (clustering != null) {
            for (String field : clustering.propertyNames()) {
                if (clustering.get(field).isNull()) {
                    nulls.add(field);
                }
            }
        }
        return nulls;
    }

    private static ClusterView view(ClusterService clusters, Cluster c) {
        return new ClusterView(c.id(), c.name(), c.scopeId(), c.clustering(), clusters.members(c.accountId(), c.id()),
                c.createdAt());
    }
}
