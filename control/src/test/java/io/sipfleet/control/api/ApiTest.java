package io.sipfleet.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.control.DatabaseTest;
import io.sipfleet.control.Databases;
import io.sipfleet.control.server.InMemoryProvisioner;
import io.sipfleet.switching.config.SwitchConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The REST API end to end over HTTP, on each database. */
class ApiTest extends DatabaseTest {

    private final Map<String, ControlServer> servers = new HashMap<>();

    @BeforeAll
    void startServers() {
        for (Databases.Db db : databases()) {
            servers.put(db.name(), ControlServer.start(0, db.db(), clock,
                    ControlServer.Options.defaults().withProvisioner(new InMemoryProvisioner())));
        }
    }

    @AfterAll
    void stopServers() {
        servers.values().forEach(ControlServer::close);
    }

    private ApiClient client(Databases.Db db) {
        return new ApiClient(servers.get(db.name()).port());
    }

    /** Signs up over the API and completes the checklist; returns the token. */
    private String readyAccount(ApiClient api, long topUpCents) {
        String email = email();
        ApiClient.Answer signup = api.post("/api/accounts", null, "{\"name\": \"Acme\", \"email\": \"" + email + "\"}");
        assertThat(signup.status()).as(signup.body()).isEqualTo(201);
        String token = signup.json().get("token").asString();
        assertThat(api.call("PUT", "/api/account/contact", token,
                "{\"name\": \"Ada\", \"email\": \"" + email + "\", \"phone\": \"+1 555 0100\"}").status()).isEqualTo(200);
        assertThat(api.post("/api/account/terms", token, "{\"accept\": true}").status()).isEqualTo(200);
        assertThat(api.post("/api/account/top-ups", token, "{\"amount_cents\": " + topUpCents + "}").status()).isEqualTo(201);
        return token;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void gettingStartedToDeployedSwitchWithItsConfig(Databases.Db db) throws Exception {
        ApiClient api = client(db);
        ApiClient.Answer signup = api.post("/api/accounts", null, "{\"name\": \"Acme\", \"email\": \"" + email() + "\"}");
        String token = signup.json().get("token").asString();
        assertThat(api.get("/api/account/checklist", token).json().get("missing").toString())
                .isEqualTo("[\"contact_details\",\"top_up\",\"terms_accepted\"]");
        ApiClient.Answer refused = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).contains("checklist").contains("contact_details");

        token = readyAccount(api, 20_00);
        assertThat(api.get("/api/account/balance", token).json().get("required_for_next_server_cents").asLong())
                .isEqualTo(20_00);
        ApiClient.Answer deployed = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\"}");
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        JsonNode server = deployed.json();
        assertThat(server.get("status").asString()).isEqualTo("running");
        assertThat(server.get("ip").asString()).startsWith("127.0.0.");
        assertThat(server.get("channels_in_use").isNull()).isTrue();
        long id = server.get("id").asLong();

        ApiClient.Answer second = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\"}");
        assertThat(second.status()).isEqualTo(402);
        assertThat(second.error()).contains("$40.00").contains("top up at least $20.00");

        assertThat(api.get("/api/servers", token).json().size()).isEqualTo(1);
        assertThat(api.get("/api/servers/" + id, token).json().get("id").asLong()).isEqualTo(id);
        assertThat(api.post("/api/sip-users", token, "{\"username\": \"1001\", \"password\": \"pass1001\"}").status())
                .isEqualTo(201);
        ApiClient.Answer users = api.get("/api/sip-users", token);
        assertThat(users.body()).doesNotContain("ha1").doesNotContain("pass1001");

        ApiClient.Answer config = api.get("/api/servers/" + id + "/config", token);
        assertThat(config.status()).isEqualTo(200);
        SwitchConfig parsed = SwitchConfig.parse(config.body());
        assertThat(parsed.sipUsers()).hasSize(1);
        assertThat(config.body()).doesNotContain("pass1001");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void noOrBadTokenIs401WithAJsonError(Databases.Db db) {
        ApiClient api = client(db);
        ApiClient.Answer none = api.get("/api/servers", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.error()).contains("Authorization: Bearer");
        assertThat(api.get("/api/servers", "sft_forged").status()).isEqualTo(401);
        ApiClient.Answer unknown = api.get("/api/nothing-here", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).contains("/openapi.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void badInputIs400NamingTheField(Databases.Db db) {
        ApiClient api = client(db);
        String token = readyAccount(api, 100_00);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"amount_cents\": 100, \"amount\": 1}", "amount");
        cases.put("{\"amount_cents\": \"100\"}", "amount_cents");
        cases.put("{\"amount_cents\": 1.5}", "amount_cents");
        cases.put("{\"amount_cents\": 99999999999999999999999}", "amount_cents");
        cases.put("{\"amount_cents\": 0}", "amount_cents");
        cases.put("{\"amount_cents\": 10000000001}", "amount_cents");
        cases.put("{}", "amount_cents");
        cases.put("[1]", "body");
        cases.put("{\"amount_cents\": ", "body");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiClient.Answer a = api.post("/api/account/top-ups", token, c.getKey());
            assertThat(a.status()).as(c.getKey() + " -> " + a.body()).isEqualTo(400);
            assertThat(a.error()).as(c.getKey()).startsWith(c.getValue() + ":");
        }
        assertThat(api.get("/api/account/balance", token).json().get("balance_cents").asLong()).isEqualTo(100_00);

        ApiClient.Answer route = api.post("/api/routes", token,
                "{\"name\": \"x\", \"prefix\": \"9\", \"gateway\": \"sip:gw\", \"cps_limit\": -1}");
        assertThat(route.status()).isEqualTo(400);
        assertThat(route.error()).startsWith("cps_limit:");
        ApiClient.Answer type = api.post("/api/servers", token, "{\"type\": 7, \"zone\": \"us-east\"}");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.error()).startsWith("type:");
        assertThat(api.get("/api/servers/abc", token).error()).startsWith("id:");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anotherAccountsTokenGets404OnEveryResourceEndpoint(Databases.Db db) {
        ApiClient api = client(db);
        String a = readyAccount(api, 100_00);
        String b = readyAccount(api, 100_00);
        long cluster = api.post("/api/clusters", a, "{\"name\": \"edge\"}").json().get("id").asLong();
        long server = api.post("/api/servers", a, "{\"type\": \"switch\", \"zone\": \"us-east\", \"cluster_id\": " + cluster + "}")
                .json().get("id").asLong();
        long sipUser = api.post("/api/sip-users", a, "{\"username\": \"1001\", \"password\": \"pass1001\"}").json().get("id").asLong();
        long route = api.post("/api/routes", a, "{\"name\": \"out\", \"prefix\": \"9\", \"gateway\": \"sip:127.0.0.9:5060\"}")
                .json().get("id").asLong();
        Map<String, Long> idOf = Map.of("/api/servers/", server, "/api/clusters/", cluster,
                "/api/sip-users/", sipUser, "/api/routes/", route);
        Map<String, String> bodyOf = Map.of("/api/servers/{id}/cluster", "{\"cluster_id\": null}");

        List<String> walked = new ArrayList<>();
        for (ApiRoute r : servers.get(db.name()).routes()) {
            if (r.pathParams().isEmpty()) {
                continue;
            }
            String prefix = idOf.keySet().stream().filter(r.path()::startsWith).findFirst()
                    .orElseThrow(() -> new AssertionError("isolation walk does not know " + r.path() + ": add it"));
            String path = r.path().replace("{id}", Long.toString(idOf.get(prefix)));
            ApiClient.Answer answer = api.call(r.method().name(), path, b, bodyOf.getOrDefault(r.path(), null));
            assertThat(answer.status()).as(r.method() + " " + path + " -> " + answer.body()).isEqualTo(404);
            walked.add(r.method() + " " + r.path());
        }
        assertThat(walked).hasSizeGreaterThanOrEqualTo(8);
        // B also cannot use A's cluster when deploying, and sees none of A's things in its lists.
        assertThat(api.post("/api/servers", b, "{\"type\": \"switch\", \"zone\": \"us-east\", \"cluster_id\": " + cluster + "}")
                .status()).isEqualTo(404);
        for (String list : List.of("/api/servers", "/api/clusters", "/api/sip-users", "/api/routes")) {
            assertThat(api.get(list, b).json().size()).as(list).isZero();
        }
        // Nothing of A's was changed or deleted by B's attempts.
        assertThat(api.get("/api/servers/" + server, a).json().get("cluster").asLong()).isEqualTo(cluster);
        assertThat(api.get("/api/sip-users/" + sipUser, a).status()).isEqualTo(200);
        assertThat(api.get("/api/routes/" + route, a).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void openApiDescribesEveryRegisteredRoute(Databases.Db db) {
        ApiClient api = client(db);
        JsonNode doc = api.get("/openapi.json", null).json();
        ControlServer server = servers.get(db.name());
        List<String> registered = server.registeredEndpoints().stream()
                .filter(e -> !e.endsWith(" /openapi.json")).toList();
        assertThat(registered).hasSize(server.routes().size());
        for (String endpoint : registered) {
            String[] parts = endpoint.split(" ", 2);
            JsonNode path = doc.get("paths").get(parts[1]);
            assertThat(path).as(endpoint + " missing from /openapi.json").isNotNull();
            assertThat(path.get(parts[0].toLowerCase())).as(endpoint + " missing from /openapi.json").isNotNull();
        }
        assertThat(doc.get("components").get("schemas").get("TopUpBody").get("properties").has("amount_cents")).isTrue();
    }
}
