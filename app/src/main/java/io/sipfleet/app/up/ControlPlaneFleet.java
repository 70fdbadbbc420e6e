package io.sipfleet.app.up;

import io.sipfleet.app.Version;
import io.sipfleet.app.agent.Agent;
import io.sipfleet.app.agent.Image;
import io.sipfleet.app.agent.InProcessRuntime;
import io.sipfleet.app.agent.ProcessRuntime;
import io.sipfleet.control.account.AccountDao;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.account.Signup;
import io.sipfleet.control.action.ActionService;
import io.sipfleet.control.agent.FleetOptions;
import io.sipfleet.control.api.ControlServer;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.secret.Secrets;
import io.sipfleet.control.server.AddressPool;
import io.sipfleet.control.server.Provisioner;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerDao;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code sipfleet up} runs: the control plane (embedded H2 file, or any database URL) with a
 * local agent, and a demo account whose fleet (a dispatcher in front of two clustered switches)
 * is deployed through the control plane's own REST API, as a customer would. Default: the agent
 * runs the nodes inside this JVM on one in-memory cluster state; with a Redis URI it runs them as
 * separate node processes sharing Redis, as in production. A second run on the same database
 * finds the demo account and brings its servers back up instead of deploying new ones.
 */
public final class ControlPlaneFleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneFleet.class);
    static final String DEMO_EMAIL = "demo@sipfleet.local";
    static final String DEMO_DOMAIN = "sipfleet.local";
    static final String HOST_NAME = "local-us-east-1";
    static final String ZONE = "us-east";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param redis       null: nodes in this JVM (in-memory cluster state); else separate processes on this Redis
     * @param credentials the CLI credentials file to write (url + token), mode 600
     * @param secretKey   key file sealing secrets at rest (kept next to the database: a second run needs it)
     */
    public record Settings(String host, int port, String dbUrl, String redis, AddressPool pool, Path agentDir,
                           Path credentials, Path secretKey) {
    }

    /** One line of the table: a server as the API shows it. */
    public record Row(long id, String role, String ip, int port, String status, String cluster, String host) {
    }

    private final Settings settings;
    private final List<Row> rows = new ArrayList<>();
    private ControlDatabase db;
    private ControlServer control;
    private Agent agent;
    private String token;
    private String url;

    private ControlPlaneFleet(Settings settings) {
        this.settings = settings;
    }

    public static ControlPlaneFleet start(Settings settings) throws Exception {
        ControlPlaneFleet f = new ControlPlaneFleet(settings);
        try {
            f.startAll();
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
        return f;
    }

    private void startAll() throws Exception {
        db = ControlDatabase.open(settings.dbUrl());
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String agentToken = "agent-" + HexFormat.of().formatHex(secret);
        String store = settings.redis() != null ? settings.redis() : "memory://up";
        try {
            control = startControl(store, agentToken);
        } catch (io.javalin.util.JavalinBindException e) {
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port()
                    + " (in use: another sipfleet up or control?); stop it or pass --port", e);
        }
        url = "http://" + settings.host() + ":" + control.port();

        agent = Agent.start(new Agent.Settings(HOST_NAME, ZONE, URI.create(url), agentToken,
                        new InetSocketAddress("127.0.0.1", 0), settings.agentDir()),
                settings.redis() != null ? new ProcessRuntime() : new InProcessRuntime(), Image.current());
        Api api = new Api(url);
        AccountService accounts = new AccountService(db, Clock.systemUTC());
        var existing = accounts.issueToken(DEMO_EMAIL);
        if (existing.isEmpty()) {
            token = createDemoAccount(api, accounts);
            api.token = token;
            deployFleet(api);
        } else {
            token = existing.get().token();
            api.token = token;
            restart(existing.get());
        }
        awaitAll(api);
        writeCredentials();
    }

    private ControlServer startControl(String store, String agentToken) {
        return ControlServer.start(settings.port(), db, Clock.systemUTC(),
                new ControlServer.Options(settings.host(), Provisioner.NONE, store,
                        FleetOptions.of(settings.pool(), agentToken, Version.sipfleet()))
                        .withSecrets(Secrets.fromFile(settings.secretKey()))
                        // A demo: no payment provider, so the demo account credits itself.
                        .withSelfTopUps(true));
    }

    /** A fresh account with the checklist done, $100 on it, users 1001/1002 and route 9. */
    private String createDemoAccount(Api api, AccountService accounts) {
        JsonNode signup = api.call(201, "POST", "/api/accounts",
                "{\"name\": \"Demo Carrier\", \"email\": \"" + DEMO_EMAIL + "\"}");
        long accountId = signup.get("account_id").asLong();
        // The demo's realm is the softphone's domain: keep it short when nobody has it yet.
        boolean free = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM account WHERE sip_realm = :r")
                .bind("r", DEMO_DOMAIN).mapTo(Integer.class).one()) == 0;
        if (free) {
            db.jdbi().useExtension(AccountDao.class, dao -> dao.setRealm(accountId, DEMO_DOMAIN));
        }
        api.token = signup.get("token").asString();
        api.call(200, "PUT", "/api/account/contact",
                "{\"name\": \"Demo Ops\", \"email\": \"" + DEMO_EMAIL + "\", \"phone\": \"+1 555 0100\"}");
        api.call(200, "POST", "/api/account/terms", "{\"accept\": true}");
        api.call(201, "POST", "/api/account/top-ups", "{\"amount_cents\": 10000}");
        api.call(201, "POST", "/api/sip-users", "{\"username\": \"1001\", \"password\": \"pass1001\"}");
        api.call(201, "POST", "/api/sip-users", "{\"username\": \"1002\", \"password\": \"pass1002\"}");
        api.call(201, "POST", "/api/routes", "{\"name\": \"carrier\", \"prefix\": \"9\", \"gateway\": \"sip:127.0.0.9:5060\"}");
        return api.token;
    }

    /**
     * Two switches of cluster c1, then (once they answer) the dispatcher in front of them, each a
     * deploy through the API. In that order because a dispatcher probing switches that are still
     * starting marks them down and needs a few probe rounds to take them back.
     */
    private void deployFleet(Api api) throws InterruptedException {
        long cluster = api.call(201, "POST", "/api/clusters", "{\"name\": \"c1\"}").get("id").asLong();
        for (String type : List.of("switch", "switch", "dispatcher")) {
            if (type.equals("dispatcher")) {
                awaitAll(api);
            }
            api.call(201, "POST", "/api/servers", "{\"type\": \"" + type + "\", \"zone\": \"" + ZONE
                    + "\", \"cluster_id\": " + cluster + "}");
        }
    }

    /** Second run: the servers are in the database; the new agent has none of them yet. */
    private void restart(Signup demo) {
        ActionService actions = control.fleet().actions();
        List<Server> servers = db.jdbi().withExtension(ServerDao.class, dao -> dao.list(demo.accountId()));
        // Switches first: the dispatcher probes them as soon as it runs.
        for (Server s : servers.stream().sorted((a, b) -> a.type().compareTo(b.type()) * -1).toList()) {
            if (!Server.ACTIVE.equals(s.serviceState())) {
                LOG.warn("server {} ({}) is {}: not started", s.id(), s.serverId(), s.effectiveStatus());
                continue;
            }
            try {
                actions.ensureRunning(s, "sipfleet up");
            } catch (RuntimeException e) {
                LOG.warn("server {} ({}) did not come up: {}", s.id(), s.serverId(), e.getMessage());
            }
        }
    }

    private void awaitAll(Api api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode list;
        while (true) {
            list = api.call(200, "GET", "/api/servers", null);
            boolean settled = true;
            for (JsonNode s : list) {
                settled &= !s.get("status").asString().equals("deploying");
            }
            if (settled || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        rows.clear();
        java.util.Map<Long, String> clusters = new java.util.HashMap<>();
        for (JsonNode c : api.call(200, "GET", "/api/clusters", null)) {
            clusters.put(c.get("id").asLong(), c.get("name").asString());
        }
        for (JsonNode s : list) {
            rows.add(new Row(s.get("id").asLong(), s.get("type").asString(), s.get("ip").asString(),
                    s.get("port").asInt(), s.get("status").asString(),
                    s.get("cluster").isNull() ? "-" : clusters.getOrDefault(s.get("cluster").asLong(), "?"), HOST_NAME));
        }
        rows.sort((a, b) -> a.role().equals(b.role()) ? Long.compare(a.id(), b.id()) : a.role().equals("dispatcher") ? -1 : 1);
    }

    private void writeCredentials() throws IOException {
        Path file = settings.credentials();
        Files.createDirectories(file.getParent());
        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("url", url).put("token", token));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not POSIX: the folder's permissions protect it
        }
        Files.write(tmp, body);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The default credentials file: $XDG_CONFIG_HOME/sipfleet/control.json (~/.config/sipfleet/control.json). */
    public static Path defaultCredentials() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("sipfleet").resolve("control.json");
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public String token() {
        return token;
    }

    public String url() {
        return url;
    }

    /** The dispatcher's SIP address ("127.0.0.4:5060"): where phones send everything. */
    public String dispatcher() {
        return rows.stream().filter(r -> r.role().equals("dispatcher")).findFirst()
                .map(r -> r.ip() + ":" + r.port()).orElse(null);
    }

    public String domain() {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT a.sip_realm FROM account a JOIN app_user u ON u.account_id = a.id WHERE u.email = :e")
                .bind("e", DEMO_EMAIL).mapTo(String.class).one());
    }

    public void describe(PrintWriter out) {
        out.println("control plane: " + url + "  (REST API; description at " + url + "/openapi.json)");
        out.println("database:      " + db.describe());
        out.println("nodes:         " + (settings.redis() == null
                ? "inside this JVM, cluster state in memory (shared by the switches)"
                : "separate processes under the agent (logs in " + settings.agentDir() + "/<server>/node.log), cluster state in " + settings.redis()));
        out.println();
        out.printf("%-4s %-11s %-22s %-9s %-8s %-16s %s%n", "ID", "ROLE", "SIP", "STATUS", "CLUSTER", "HOST", "METRICS");
        for (Row r : rows) {
            int metrics = r.role().equals("dispatcher") ? 9190 : 9090;
            out.printf("%-4d %-11s %-22s %-9s %-8s %-16s %s%n", r.id(), r.role(), "sip:" + r.ip() + ":" + r.port(),
                    r.status(), r.cluster(), r.host(), "http://" + r.ip() + ":" + metrics + "/metrics");
        }
        out.println();
        String domain = domain();
        out.println("demo login:    " + DEMO_EMAIL + "   API token: " + token);
        out.println("               (also in " + settings.credentials() + " for the CLI; try: curl -H 'Authorization: Bearer "
                + token + "' " + url + "/api/servers)");
        out.println("SIP users:     1001 / pass1001, 1002 / pass1002 (domain " + domain + "); carrier route 9 -> sip:127.0.0.9:5060");
        out.println("softphone:     user 1001, password pass1001, domain " + domain + ", outbound proxy "
                + dispatcher() + " (UDP); then call 1002");
        out.println("Ctrl-C stops everything.");
        out.flush();
    }

    /** Stops the servers through control (recorded: the next run starts them again), then everything else. */
    @Override
    public void close() {
        if (control != null && agent != null && token != null) {
            Api api = new Api(url);
            api.token = token;
            try {
                List<JsonNode> servers = new ArrayList<>();
                api.call(200, "GET", "/api/servers", null).forEach(servers::add);
                // Dispatchers first: they stop sending calls to switches that are about to go.
                servers.sort(java.util.Comparator.comparing(n -> n.get("type").asString().equals("dispatcher") ? 0 : 1));
                for (JsonNode s : servers) {
                    if (s.get("status").asString().equals("running") || s.get("status").asString().equals("failed")) {
                        api.call(200, "POST", "/api/servers/" + s.get("id").asLong() + "/actions", "{\"action\": \"stop\"}");
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("stopping the servers through control failed: {}", e.getMessage());
            }
        }
        if (agent != null) {
            agent.close();
        }
        if (control != null) {
            control.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** The REST API, as the demo account's user. */
    private static final class Api {
        private final HttpClient http = HttpClient.newHttpClient();
        private final String base;
        String token;

        Api(String base) {
            this.base = base;
        }

        JsonNode call(int expected, String method, String path, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != expected) {
                    throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
                }
                return r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException e) {
                throw new IllegalStateException(method + " " + path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
