package io.sipfleet.control.server;

import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;
import static io.sipfleet.control.api.ApiRoute.put;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.time.Instant;
import java.util.List;

/** HTTP endpoints of servers (the config snapshot endpoint lives with the config feature). */
public final class ServerApi {

    public record DeployBody(String type, String zone, Long clusterId) {
    }

    public record ClusterAssignBody(Long clusterId) {
    }

    /**
     * A server as the list and details show it. Live figures (channels in use, latencies, version)
     * come from control's probes: null until measured, never a made-up 0. ICMP echo needs raw
     * sockets (CAP_NET_RAW): without them {@code icmpLatencyMs} stays null and {@code latencyMethod}
     * says that {@code tcpConnectLatencyMs} stands in for it.
     */
    public record ServerView(long id, String ip, int port, String type, String zone, Long cluster, String status,
                             Integer channelsInUse, int channelsMax, int cpsMax, Double sipLatencyMs,
                             Double icmpLatencyMs, Double tcpConnectLatencyMs, String latencyMethod,
                             String version, boolean pendingUpdate, String statusReason, long configVersion,
                             Instant createdAt, Instant expiresAt) {
    }

    /** Live figures of a server, as control last measured them (see {@link ServerView}). */
    public record Live(Integer channelsInUse, Double sipLatencyMs, Double icmpLatencyMs, Double tcpConnectLatencyMs,
                       String latencyMethod, String version, boolean pendingUpdate, String statusReason) {
        public static final Live NONE = new Live(null, null, null, null, null, null, false, null);
    }

    private ServerApi() {
    }

    public static List<ApiRoute> routes(ServerService servers) {
        return routes(servers, s -> Live.NONE);
    }

    public static List<ApiRoute> routes(ServerService servers, java.util.function.Function<Server, Live> live) {
        java.util.function.Function<Server, ServerView> view = s -> view(s, live.apply(s));
        return List.of(
                get("/api/servers", "The account's servers", "servers", (ctx, p) -> ctx.json(
                        servers.list(p.accountId()).stream().map(view).toList())),
                post("/api/servers", "Deploy a server (type switch|dispatcher, zone, optional cluster_id); "
                                + "needs the checklist complete and a balance of $20 x (1 + servers)",
                        DeployBody.class, "201 server", (ctx, p) -> {
                            DeployBody b = Json.read(ctx, DeployBody.class);
                            Server s = servers.deploy(p.accountId(), new DeployRequest(
                                    Json.required("type", b.type()), Json.required("zone", b.zone()), b.clusterId()));
                            ctx.status(201).json(view.apply(s));
                        }),
                get("/api/servers/{id}", "One server", "server", (ctx, p) ->
                        ctx.json(view.apply(servers.get(p.accountId(), PathParams.id(ctx, "id"))))),
                put("/api/servers/{id}/cluster", "Move a server into a cluster (cluster_id) or out of it (null)",
                        ClusterAssignBody.class, "server", (ctx, p) -> {
                            long id = PathParams.id(ctx, "id");
                            servers.get(p.accountId(), id); // 404 before looking at the body
                            ClusterAssignBody b = Json.read(ctx, ClusterAssignBody.class);
                            ctx.json(view.apply(servers.assignCluster(p.accountId(), id, b.clusterId())));
                        }));
    }

    public static ServerView view(Server s, Live l) {
        return new ServerView(s.id(), s.address(), s.sipPort(), s.type(), s.zoneId(), s.clusterId(), s.effectiveStatus(),
                l.channelsInUse(), s.channelsMax(), s.cpsMax(), l.sipLatencyMs(), l.icmpLatencyMs(), l.tcpConnectLatencyMs(),
                l.latencyMethod(), l.version(), l.pendingUpdate(), l.statusReason(), s.configVersion(),
                s.createdAt(), s.expiresAt());
    }
}
