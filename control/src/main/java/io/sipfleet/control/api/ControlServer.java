package io.sipfleet.control.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountApi;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.account.Principal;
import io.sipfleet.control.agent.FleetOptions;
import io.sipfleet.control.agent.FleetRuntime;
import io.sipfleet.control.billing.BillingApi;
import io.sipfleet.control.billing.BillingScheduler;
import io.sipfleet.control.billing.BillingService;
import io.sipfleet.control.certificate.CertificateApi;
import io.sipfleet.control.certificate.CertificateService;
import io.sipfleet.control.cluster.ClusterApi;
import io.sipfleet.control.cluster.ClusterService;
import io.sipfleet.control.config.ConfigApi;
import io.sipfleet.control.config.SnapshotService;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.media.MediaApi;
import io.sipfleet.control.media.MediaService;
import io.sipfleet.control.route.RouteApi;
import io.sipfleet.control.route.RouteService;
import io.sipfleet.control.secret.Secrets;
import io.sipfleet.control.serverconfig.ServerSettingsApi;
import io.sipfleet.control.serverconfig.ServerSettingsService;
import io.sipfleet.control.server.Provisioner;
import io.sipfleet.control.server.ServerApi;
import io.sipfleet.control.server.ServerService;
import io.sipfleet.control.sipuser.SipUserApi;
import io.sipfleet.control.sipuser.SipUserService;
import io.sipfleet.control.zone.ZoneApi;
import io.sipfleet.control.zone.ZoneService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The control plane's REST API on Javalin 7 (Jetty 12.1). */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final String API_VERSION = "0.1.0";

    private final Javalin app;
    private final List<ApiRoute> routes;
    private final FleetRuntime fleet;
    private final BillingScheduler billing;

    private ControlServer(Javalin app, List<ApiRoute> routes, FleetRuntime fleet, BillingScheduler billing) {
        this.app = app;
        this.routes = routes;
        this.fleet = fleet;
        this.billing = billing;
    }

    /**
     * How the server runs besides port, database and clock.
     *
     * @param host            address to bind
     * @param provisioner     engine that installs deployed servers
     * @param clusterStoreUri store clustered switches share (in their snapshots)
     * @param fleet           host agents run the servers (deploy, actions, health); null: none,
     *                        and {@code provisioner} alone handles deploys
     * @param secrets         key that seals UAC passwords and certificate keys at rest
     * @param operatorToken   bearer token of the operator endpoints (top-ups, media servers); null = none work
     * @param selfTopUps      demo only: accounts may credit themselves through POST /api/account/top-ups
     * @param billingEvery    how often expiry and daily charges run; null = never (tests call the job)
     */
    public record Options(String host, Provisioner provisioner, String clusterStoreUri, FleetOptions fleet,
                          Secrets secrets, String operatorToken, boolean selfTopUps, java.time.Duration billingEvery) {

        /** No operator token, no self top-ups, no billing job, a throwaway secret key (tests). */
        public Options(String host, Provisioner provisioner, String clusterStoreUri, FleetOptions fleet) {
            this(host, provisioner, clusterStoreUri, fleet, Secrets.ephemeral(), null, false, null);
        }

        public Options(String host, Provisioner provisioner, String clusterStoreUri) {
            this(host, provisioner, clusterStoreUri, null);
        }

        /** Loopback only, no provisioning engine (servers stay deploying), the local Redis as cluster store. */
        public static Options defaults() {
            return new Options("127.0.0.1", Provisioner.NONE, SnapshotService.DEFAULT_CLUSTER_STORE);
        }

        public Options withHost(String newHost) {
            return new Options(newHost, provisioner, clusterStoreUri, fleet, secrets, operatorToken, selfTopUps, billingEvery);
        }

        public Options withProvisioner(Provisioner p) {
            return new Options(host, p, clusterStoreUri, fleet, secrets, operatorToken, selfTopUps, billingEvery);
        }

        public Options withClusterStore(String uri) {
            return new Options(host, provisioner, uri, fleet, secrets, operatorToken, selfTopUps, billingEvery);
        }

        /** Servers are run by host agents (the provisioner is replaced by the agents' deploy). */
        public Options withFleet(FleetOptions f) {
            return new Options(host, provisioner, clusterStoreUri, f, secrets, operatorToken, selfTopUps, billingEvery);
        }

        public Options withSecrets(Secrets s) {
            return new Options(host, provisioner, clusterStoreUri, fleet, s, operatorToken, selfTopUps, billingEvery);
        }

        public Options withOperatorToken(String token) {
            return new Options(host, provisioner, clusterStoreUri, fleet, secrets, token, selfTopUps, billingEvery);
        }

        public Options withSelfTopUps(boolean allowed) {
            return new Options(host, provisioner, clusterStoreUri, fleet, secrets, operatorToken, allowed, billingEvery);
        }

        public Options withBillingEvery(java.time.Duration every) {
            return new Options(host, provisioner, clusterStoreUri, fleet, secrets, operatorToken, selfTopUps, every);
        }
    }

    /** Starts on {@code port} (0 = any free port) with {@link Options#defaults()}. */
    public static ControlServer start(int port, ControlDatabase db, Clock clock) {
        return start(port, db, clock, Options.defaults());
    }

    public static ControlServer start(int port, ControlDatabase db, Clock clock, Options options) {
        String host = options.host();
        Provisioner provisioner = options.provisioner();
        AccountService accounts = new AccountService(db, clock);
        SnapshotService snapshots = new SnapshotService(db, options.clusterStoreUri(), options.secrets());
        FleetRuntime fleet = options.fleet() == null ? null : FleetRuntime.start(db, clock, snapshots, options.fleet());
        ServerService servers = fleet == null ? new ServerService(db, clock, provisioner)
                : new ServerService(db, clock, fleet.provisioner(), options.fleet().addressPool());
        List<ApiRoute> routes = new ArrayList<>();
        routes.addAll(AccountApi.routes(accounts, id -> servers.list(id).size(), options.selfTopUps()));
        routes.addAll(ZoneApi.routes(new ZoneService(db)));
        routes.addAll(fleet == null ? ServerApi.routes(servers) : ServerApi.routes(servers, fleet.live()::of));
        routes.addAll(ConfigApi.routes(snapshots));
        if (fleet != null) {
            routes.addAll(fleet.routes());
        }
        routes.addAll(ClusterApi.routes(new ClusterService(db, clock)));
        routes.addAll(SipUserApi.routes(new SipUserService(db, clock)));
        routes.addAll(RouteApi.routes(new RouteService(db)));
        routes.addAll(ServerSettingsApi.routes(new ServerSettingsService(db, options.secrets(), clock)));
        routes.addAll(CertificateApi.routes(new CertificateService(db, options.secrets(), clock)));
        BillingService billingService = new BillingService(db, clock);
        routes.addAll(BillingApi.routes(billingService, accounts));
        routes.addAll(MediaApi.routes(new MediaService(db, clock)));
        String openApi = OpenApi.document(routes, API_VERSION);
        Javalin app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson3(Json.MAPPER, false));
            config.startup.showJavalinBanner = false;
            for (ApiRoute r : routes) {
                config.routes.addHttpHandler(r.method(), r.path(), ctx -> r.action().handle(ctx, principal(ctx, r, accounts, options.operatorToken())));
            }
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            config.routes.exception(InvalidInputException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(NotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
            config.routes.exception(RefusedException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            config.routes.exception(Unauthorized.class, (e, ctx) -> {
                ctx.header("WWW-Authenticate", "Bearer");
                error(ctx, 401, e.getMessage());
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    e.getStatus() == 404 ? "no endpoint " + ctx.method() + " " + ctx.path() + "; see /openapi.json"
                            : e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String incident = UUID.randomUUID().toString();
                LOG.error("request {} {} failed (incident {})", ctx.method(), ctx.path(), incident, e);
                error(ctx, 500, "internal error (incident " + incident + "); the control plane log has the details");
            });
        }).start(host, port);
        BillingScheduler billing = options.billingEvery() == null ? null
                : BillingScheduler.start(billingService, options.billingEvery());
        return new ControlServer(app, List.copyOf(routes), fleet, billing);
    }

    private static Principal principal(Context ctx, ApiRoute route, AccountService accounts, String operatorToken) {
        if (!route.authenticated()) {
            return null;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Unauthorized("missing API token: send 'Authorization: Bearer TOKEN'");
        }
        if (route.operator()) {
            OperatorToken.require(operatorToken, header.substring(7).strip());
            return null;
        }
        return accounts.authenticate(header.substring(7).strip())
                .orElseThrow(() -> new Unauthorized("invalid or revoked API token"));
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(new ErrorBody(message));
    }

    public int port() {
        return app.port();
    }

    /** The API routes (without /openapi.json itself), as registered. */
    public List<ApiRoute> routes() {
        return routes;
    }

    /** Javalin's own view of what it registered: the OpenAPI test checks against this, not our table. */
    public List<String> registeredEndpoints() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    /** The fleet machinery (actions, agents), or null when control runs without agents. */
    public FleetRuntime fleet() {
        return fleet;
    }

    @Override
    public void close() {
        if (billing != null) {
            billing.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        app.stop();
    }
}
