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

    static final String OPERATOR = "op-" + java.util.UUID.randomUUID();
    private final Map<String, ControlServer> servers = new HashMap<>();

    @BeforeAll
    void startServers() {
        for (Databases.Db db : databases()) {
            servers.put(db.name(), ControlServer.start(0, db.db(), clock,
                    ControlServer.Options.defaults().withProvisioner(new InMemoryProvisioner()).withOperatorToken(OPERATOR)));
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
        long account = api.get("/api/account", token).json().get("id").asLong();
        assertThat(api.post("/api/operator/accounts/" + account + "/top-ups", OPERATOR,
                "{\"amount_cents\": " + topUpCents + "}").status()).isEqualTo(201);
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
        long account = api.get("/api/account", token).json().get("id").asLong();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiClient.Answer a = api.post("/api/operator/accounts/" + account + "/top-ups", OPERATOR, c.getKey());
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

    /**
     * Walks every operation of /openapi.json that names a resource by id: with account B's token on
     * account A's resources each is 404 (account routes) or 403 (operator routes), and nothing of A's
     * changed. A new endpoint is walked without touching this test, unless it names a new kind of
     * resource, which then fails here until the walk knows which of A's ids to use.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anotherAccountsTokenGets404OnEveryResourceEndpoint(Databases.Db db) {
        ApiClient api = client(db);
        String a = readyAccount(api, 100_00);
        String b = readyAccount(api, 100_00);
        long accountA = api.get("/api/account", a).json().get("id").asLong();
        long cluster = api.post("/api/clusters", a, "{\"name\": \"edge\"}").json().get("id").asLong();
        long server = api.post("/api/servers", a, "{\"type\": \"switch\", \"zone\": \"us-east\", \"cluster_id\": " + cluster + "}")
                .json().get("id").asLong();
        long sipUser = api.post("/api/sip-users", a, "{\"username\": \"1001\", \"password\": \"pass1001\"}").json().get("id").asLong();
        long route = api.post("/api/routes", a, "{\"name\": \"out\", \"prefix\": \"9\", \"gateway\": \"sip:127.0.0.9:5060\"}")
                .json().get("id").asLong();
        var issued = io.sipfleet.control.certificate.TestCerts.selfSigned("sip.a.example", clock.instant().minusSeconds(60),
                clock.instant().plusSeconds(86_400 * 90), "sip.a.example");
        ApiClient.Answer uploaded = api.post("/api/certificates", a, Json.MAPPER.writeValueAsString(Map.of(
                "name", "a-cert", "certificate", issued.chainPem(), "private_key", issued.keyPem())));
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        long cert = uploaded.json().get("id").asLong();
        assertThat(api.post("/api/servers/" + server + "/certificates", a,
                "{\"certificate_id\": " + cert + ", \"kind\": \"server\"}").status()).isEqualTo(200);
        String settingsBefore = api.get("/api/servers/" + server + "/settings", a).body();

        Map<String, Long> idOf = Map.of("/api/servers/", server, "/api/clusters/", cluster,
                "/api/sip-users/", sipUser, "/api/routes/", route, "/api/certificates/", cert,
                "/api/operator/accounts/", accountA, "/api/operator/media-servers/", 1L);
        // Valid bodies, so a 404 cannot come from the body being refused first.
        Map<String, String> bodyOf = Map.of(
                "/api/servers/{id}/cluster", "{\"cluster_id\": null}",
                "/api/servers/{id}/settings", "{\"fqdn\": \"b.example\"}",
                "/api/servers/{id}/certificates", "{\"certificate_id\": " + cert + ", \"kind\": \"client\"}",
                "/api/operator/accounts/{id}/top-ups", "{\"amount_cents\": 100000}");

        // Walked on a control plane with the fleet machinery too (actions, resize, audit exist only
        // there); its health monitor is set never to run, so it leaves A's server as it is.
        try (ControlServer full = ControlServer.start(0, db.db(), clock, ControlServer.Options.defaults()
                .withOperatorToken(OPERATOR)
                .withFleet(io.sipfleet.control.agent.FleetOptions.of(io.sipfleet.control.server.AddressPool.parse(
                        "127.0.9.100-127.0.9.120"), "agent-secret", "test").withMonitorInterval(java.time.Duration.ofHours(1))))) {
            assertThat(walk(new ApiClient(full.port()), b, idOf, cert, bodyOf)).contains(
                    "post /api/servers/{id}/actions", "post /api/servers/{id}/resize", "get /api/servers/{id}/audit");
        }
        walk(api, b, idOf, cert, bodyOf);

        // B also cannot use A's cluster when deploying, and sees none of A's things in its lists.
        assertThat(api.post("/api/servers", b, "{\"type\": \"switch\", \"zone\": \"us-east\", \"cluster_id\": " + cluster + "}")
                .status()).isEqualTo(404);
        for (String list : List.of("/api/servers", "/api/clusters", "/api/sip-users", "/api/routes", "/api/certificates")) {
            assertThat(api.get(list, b).json().size()).as(list).isZero();
        }
        // Nothing of A's was changed or deleted by B's attempts; A's balance got no top-up from B.
        assertThat(api.get("/api/servers/" + server, a).json().get("cluster").asLong()).isEqualTo(cluster);
        assertThat(api.get("/api/servers/" + server, a).json().get("status").asString()).isEqualTo("running");
        assertThat(api.get("/api/servers/" + server + "/settings", a).body()).isEqualTo(settingsBefore);
        assertThat(api.get("/api/clusters/" + cluster, a).json().get("name").asString()).isEqualTo("edge");
        assertThat(api.get("/api/servers/" + server + "/certificates", a).json().size()).isEqualTo(1);
        assertThat(api.get("/api/certificates/" + cert, a).status()).isEqualTo(200);
        assertThat(api.get("/api/sip-users/" + sipUser, a).status()).isEqualTo(200);
        assertThat(api.get("/api/routes/" + route, a).status()).isEqualTo(200);
        assertThat(api.get("/api/account/balance", a).json().get("balance_cents").asLong()).isEqualTo(100_00);
    }

    private static List<String> walk(ApiClient api, String b, Map<String, Long> idOf, long cert, Map<String, String> bodyOf) {
        JsonNode paths = api.get("/openapi.json", null).json().get("paths");
        List<String> walked = new ArrayList<>();
        for (String template : paths.propertyNames()) {
            if (!template.contains("{")) {
                continue;
            }
            String prefix = idOf.keySet().stream().filter(template::startsWith).findFirst()
                    .orElseThrow(() -> new AssertionError("isolation walk does not know " + template + ": add it"));
            String path = template.replace("{id}", Long.toString(idOf.get(prefix)))
                    .replace("{certificateId}", Long.toString(cert));
            assertThat(path).as(template + ": unknown path parameter").doesNotContain("{");
            for (String method : paths.get(template).propertyNames()) {
                JsonNode op = paths.get(template).get(method);
                boolean operator = op.get("security").toString().contains("operator");
                ApiClient.Answer answer = api.call(method.toUpperCase(), path, b, bodyOf.getOrDefault(template,
                        op.has("requestBody") ? "{}" : null));
                assertThat(answer.status()).as(method + " " + path + " -> " + answer.body()).isEqualTo(operator ? 403 : 404);
                walked.add(method + " " + template);
            }
        }
        assertThat(walked).hasSizeGreaterThanOrEqualTo(16)
                .contains("post /api/servers/{id}/reactivate", "put /api/servers/{id}/settings", "put /api/clusters/{id}",
                        "delete /api/certificates/{id}", "post /api/operator/accounts/{id}/top-ups");
        return walked;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void serverConfigAndCertificateBadInputIs400NamingTheFieldAndSavesNothing(Databases.Db db) {
        ApiClient api = client(db);
        String token = readyAccount(api, 100_00);
        long id = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\"}").json().get("id").asLong();
        assertThat(api.call("PUT", "/api/servers/" + id + "/settings", token, "{\"fqdn\": \"sw.example.com\"}").status())
                .isEqualTo(200);
        String before = api.get("/api/servers/" + id + "/settings", token).body();
        long version = api.get("/api/servers/" + id, token).json().get("config_version").asLong();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"fqnd\": \"x.example.com\"}", "fqnd: unknown field");
        cases.put("{\"extra_udp_ports\": \"5080\"}", "extra_udp_ports: wrong type");
        cases.put("{\"extra_udp_ports\": [\"5080\"]}", "extra_udp_ports[0]: wrong type");
        cases.put("{\"extra_udp_ports\": [99999999999]}", "extra_udp_ports[0]: number out of range");
        cases.put("{\"extra_tcp_ports\": [70000]}", "extra_tcp_ports[0]: must be a port 1..65535");
        cases.put("{\"auto_upgrade\": 1}", "auto_upgrade: wrong type");
        cases.put("{\"restrict_direct\": \"yes\"}", "restrict_direct: wrong type");
        cases.put("{\"capacity_failover_server_id\": 1.5}", "capacity_failover_server_id: wrong type");
        cases.put("{\"uac_registrations\": [{\"registrar\": \"sip:r.example.com\", \"username\": \"u\", "
                + "\"password\": \"p\", \"realm\": \"x\"}]}", "uac_registrations[0].realm: unknown field");
        cases.put("{\"tls\": true, \"fqdn\": null}", "tls: needs fqdn");
        cases.put("{\"webrtc\": true}", "webrtc: needs a server certificate");
        cases.put("[]", "body");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiClient.Answer a = api.call("PUT", "/api/servers/" + id + "/settings", token, c.getKey());
            assertThat(a.status()).as(c.getKey() + " -> " + a.body()).isEqualTo(400);
            assertThat(a.error()).as(c.getKey()).startsWith(c.getValue());
        }
        assertThat(api.get("/api/servers/" + id + "/settings", token).body()).isEqualTo(before);
        assertThat(api.get("/api/servers/" + id, token).json().get("config_version").asLong()).isEqualTo(version);

        var mine = io.sipfleet.control.certificate.TestCerts.selfSigned("sw.example.com", clock.instant().minusSeconds(60),
                clock.instant().plusSeconds(86_400 * 30), "sw.example.com");
        var other = io.sipfleet.control.certificate.TestCerts.selfSigned("other.example.com", clock.instant().minusSeconds(60),
                clock.instant().plusSeconds(86_400 * 30), "other.example.com");
        ApiClient.Answer mismatch = api.post("/api/certificates", token, Json.MAPPER.writeValueAsString(Map.of(
                "name", "sw", "certificate", mine.chainPem(), "private_key", other.keyPem())));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.error()).startsWith("private_key: does not match the certificate CN=sw.example.com");
        assertThat(api.get("/api/certificates", token).json().size()).isZero();
        ApiClient.Answer ok = api.post("/api/certificates", token, Json.MAPPER.writeValueAsString(Map.of(
                "name", "sw", "certificate", mine.chainPem(), "private_key", mine.keyPem())));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.body()).doesNotContain("PRIVATE KEY");
        assertThat(ok.json().get("sans").toString()).isEqualTo("[\"sw.example.com\"]");
        long cert = ok.json().get("id").asLong();
        assertThat(api.post("/api/servers/" + id + "/certificates", token, "{\"certificate_id\": " + cert
                + ", \"kind\": \"server\"}").status()).isEqualTo(200);
        ApiClient.Answer tls = api.call("PUT", "/api/servers/" + id + "/settings", token, "{\"tls\": true, \"webrtc\": true}");
        assertThat(tls.status()).as(tls.body()).isEqualTo(200);
        assertThat(api.get("/api/servers/" + id, token).json().get("config_version").asLong()).isGreaterThan(version);
    }

    /**
     * A cluster's clustering settings: defaults equal to the switch's, set at create or changed
     * later (only the fields named), every bad value a 400 naming the field with nothing saved, and
     * a change bumps the config version of the cluster's switches only, whose snapshots carry it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void clusterClusteringSettingsAreCheckedShownAndReachTheMembersSnapshots(Databases.Db db) throws Exception {
        ApiClient api = client(db);
        String token = readyAccount(api, 100_00);
        ApiClient.Answer plain = api.post("/api/clusters", token, "{\"name\": \"plain\"}");
        assertThat(plain.status()).as(plain.body()).isEqualTo(201);
        assertThat(plain.json().get("clustering").toString()).isEqualTo("{\"store_fail_mode\":\"closed\","
                + "\"member_channel_limit\":0,\"capacity_failover_mode\":\"redirect\",\"channel_lease_ttl_seconds\":90}");
        ApiClient.Answer created = api.post("/api/clusters", token, "{\"name\": \"edge\", \"clustering\": "
                + "{\"store_fail_mode\": \"open\", \"member_channel_limit\": 5, \"capacity_failover_mode\": \"forward\", "
                + "\"channel_lease_ttl_seconds\": 30}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long cluster = created.json().get("id").asLong();
        JsonNode shown = api.get("/api/clusters/" + cluster, token).json().get("clustering");
        assertThat(shown.get("store_fail_mode").asString()).isEqualTo("open");
        assertThat(shown.get("member_channel_limit").asInt()).isEqualTo(5);
        assertThat(shown.get("capacity_failover_mode").asString()).isEqualTo("forward");
        assertThat(shown.get("channel_lease_ttl_seconds").asInt()).isEqualTo(30);
        long member = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\", \"cluster_id\": "
                + cluster + "}").json().get("id").asLong();
        long alone = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\"}").json().get("id").asLong();
        String before = api.get("/api/clusters/" + cluster, token).body();
        long memberVersion = configVersion(api, token, member);
        long aloneVersion = configVersion(api, token, alone);

        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"clustering\": {\"store_fail_mode\": \"sideways\"}}",
                "clustering.store_fail_mode: must be \"closed\" (503 while the store is down) or \"open\"");
        cases.put("{\"clustering\": {\"member_channel_limit\": -1}}", "clustering.member_channel_limit: must be 0 to 100000");
        cases.put("{\"clustering\": {\"member_channel_limit\": \"5\"}}", "clustering.member_channel_limit: wrong type");
        cases.put("{\"clustering\": {\"member_channel_limit\": null}}", "clustering.member_channel_limit: must not be null");
        cases.put("{\"clustering\": {\"capacity_failover_mode\": \"302\"}}",
                "clustering.capacity_failover_mode: must be \"redirect\" (302 to a member with room) or \"forward\"");
        cases.put("{\"clustering\": {\"channel_lease_ttl_seconds\": 0}}",
                "clustering.channel_lease_ttl_seconds: must be 3 to 86400 seconds, was 0");
        cases.put("{\"clustering\": {\"channel_lease_ttl_seconds\": 1.5}}", "clustering.channel_lease_ttl_seconds: wrong type");
        cases.put("{\"clustering\": {\"fail_mode\": \"open\"}}", "clustering.fail_mode: unknown field");
        cases.put("{\"clustering\": null}", "clustering: must be an object");
        cases.put("{\"clustering\": [\"open\"]}", "clustering: wrong type");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiClient.Answer changed = api.call("PUT", "/api/clusters/" + cluster, token, c.getKey());
            assertThat(changed.status()).as(c.getKey() + " -> " + changed.body()).isEqualTo(400);
            assertThat(changed.error()).as(c.getKey()).startsWith(c.getValue());
            String asCreate = "{\"name\": \"refused\", " + c.getKey().substring(1);
            ApiClient.Answer refused = api.post("/api/clusters", token, asCreate);
            assertThat(refused.status()).as(asCreate + " -> " + refused.body()).isEqualTo(400);
            assertThat(refused.error()).as(asCreate).startsWith(c.getValue());
        }
        ApiClient.Answer nullName = api.call("PUT", "/api/clusters/" + cluster, token, "{\"name\": null}");
        assertThat(nullName.status()).isEqualTo(400);
        assertThat(nullName.error()).startsWith("name:");
        assertThat(api.call("PUT", "/api/clusters/" + cluster, token, "{\"name\": \"plain\"}").status())
                .as("another cluster's name").isEqualTo(409);
        assertThat(api.get("/api/clusters", token).json().size()).as("nothing created").isEqualTo(2);
        assertThat(api.get("/api/clusters/" + cluster, token).body()).as("nothing changed").isEqualTo(before);
        assertThat(configVersion(api, token, member)).isEqualTo(memberVersion);

        // A rename, or the same values again, leaves the snapshots alone.
        assertThat(api.call("PUT", "/api/clusters/" + cluster, token, "{\"name\": \"edge-1\", \"clustering\": "
                + "{\"store_fail_mode\": \"OPEN\"}}").json().get("name").asString()).isEqualTo("edge-1");
        assertThat(configVersion(api, token, member)).isEqualTo(memberVersion);

        ApiClient.Answer changed = api.call("PUT", "/api/clusters/" + cluster, token,
                "{\"clustering\": {\"member_channel_limit\": 1, \"capacity_failover_mode\": \"redirect\"}}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("clustering").toString()).as("the fields left out kept their value")
                .isEqualTo("{\"store_fail_mode\":\"open\",\"member_channel_limit\":1,\"capacity_failover_mode\":"
                        + "\"redirect\",\"channel_lease_ttl_seconds\":30}");
        assertThat(configVersion(api, token, member)).isGreaterThan(memberVersion);
        assertThat(configVersion(api, token, alone)).as("not a member").isEqualTo(aloneVersion);
        SwitchConfig snapshot = SwitchConfig.parse(api.get("/api/servers/" + member + "/config", token).body());
        assertThat(snapshot.clustering()).isEqualTo(new io.sipfleet.switching.config.Clustering(
                io.sipfleet.switching.config.Clustering.StoreFailMode.OPEN, 1,
                io.sipfleet.switching.config.Clustering.CapacityFailoverMode.REDIRECT, 30));
        assertThat(api.get("/api/servers/" + alone + "/config", token).body()).doesNotContain("clustering");
        assertThat(api.call("PUT", "/api/clusters/987654321", token, "{}").status()).isEqualTo(404);
    }

    private static long configVersion(ApiClient api, String token, long server) {
        return api.get("/api/servers/" + server, token).json().get("config_version").asLong();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void mediaServersRegisterWithTheOperatorTokenAndAreListedPerZone(Databases.Db db) {
        ApiClient api = client(db);
        String token = readyAccount(api, 20_00);
        String ip = "127.0.9." + (200 + (int) (System.nanoTime() % 50));
        String body = "{\"address\": \"" + ip + "\", \"aliases\": [\"media-1.example.com\"], \"zone\": \"eu-west\"}";
        assertThat(api.post("/api/operator/media-servers", token, body).status()).as("an account cannot register one")
                .isEqualTo(403);
        ApiClient.Answer created = api.post("/api/operator/media-servers", OPERATOR, body);
        assertThat(created.status()).as(created.body()).isIn(200, 201);
        long id = created.json().get("id").asLong();
        ApiClient.Answer again = api.post("/api/operator/media-servers", OPERATOR,
                "{\"address\": \"" + ip + "\", \"aliases\": [\"media-1.example.com\", \"203.0.113.7\"], \"zone\": \"eu-west\"}");
        assertThat(again.status()).as("a re-registration refreshes it").isEqualTo(200);
        assertThat(again.json().get("id").asLong()).isEqualTo(id);

        JsonNode eu = api.get("/api/media-servers?zone=eu-west", token).json();
        JsonNode listed = null;
        for (JsonNode m : eu) {
            if (m.get("id").asLong() == id) {
                listed = m;
            }
        }
        assertThat(listed).as(eu.toString()).isNotNull();
        assertThat(listed.get("ip").asString()).isEqualTo(ip);
        assertThat(listed.get("aliases").toString()).isEqualTo("[\"media-1.example.com\",\"203.0.113.7\"]");
        assertThat(listed.get("zone").asString()).isEqualTo("eu-west");
        for (JsonNode m : api.get("/api/media-servers?zone=us-east", token).json()) {
            assertThat(m.get("id").asLong()).isNotEqualTo(id);
        }
        assertThat(api.get("/api/media-servers?zone=mars", token).error()).startsWith("zone: unknown zone 'mars'");
        for (String bad : List.of("{\"address\": \"999.1.1.1\", \"zone\": \"eu-west\"}",
                "{\"address\": \"media.example.com\", \"zone\": \"eu-west\"}",
                "{\"address\": \"" + ip + "\", \"zone\": \"eu-west\", \"aliases\": [\"bad alias\"]}",
                "{\"address\": \"" + ip + "\", \"zone\": \"nowhere\"}")) {
            ApiClient.Answer a = api.post("/api/operator/media-servers", OPERATOR, bad);
            assertThat(a.status()).as(bad + " -> " + a.body()).isEqualTo(400);
            assertThat(a.error()).matches("(address|aliases\\[0\\]|zone): .*");
        }
        assertThat(api.call("DELETE", "/api/operator/media-servers/" + id, token, null).status()).isEqualTo(403);
        assertThat(api.call("DELETE", "/api/operator/media-servers/" + id, OPERATOR, null).status()).isEqualTo(204);
        assertThat(api.call("DELETE", "/api/operator/media-servers/" + id, OPERATOR, null).status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void expiryReactivationAndCertificateDeleteOverHttp(Databases.Db db) {
        ApiClient api = client(db);
        String token = readyAccount(api, 40_00);
        long one = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\"}").json().get("id").asLong();
        long two = api.post("/api/servers", token, "{\"type\": \"switch\", \"zone\": \"us-east\"}").json().get("id").asLong();
        assertThat(api.post("/api/operator/billing/run", token, null).status()).isEqualTo(403);
        clock.advance(java.time.Duration.ofDays(15));
        ApiClient.Answer run = api.post("/api/operator/billing/run", OPERATOR, null);
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().get("expired").toString()).contains(Long.toString(one)).contains(Long.toString(two));
        assertThat(api.get("/api/servers/" + one, token).json().get("status").asString()).isEqualTo("expired");

        ApiClient.Answer first = api.post("/api/servers/" + one + "/reactivate", token, null);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("status").asString()).isEqualTo("running");
        assertThat(first.json().get("plan").asString()).isEqualTo("paid");
        ApiClient.Answer second = api.post("/api/servers/" + two + "/reactivate", token, null);
        assertThat(second.status()).isEqualTo(402);
        assertThat(second.error()).contains("balance is $39.00 but $40.00 is needed");
        assertThat(api.get("/api/servers/" + two, token).json().get("status").asString()).isEqualTo("expired");
        assertThat(api.post("/api/servers/" + one + "/reactivate", token, null).status()).isEqualTo(409);
        assertThat(api.get("/api/account/balance", token).json().get("balance_cents").asLong()).isEqualTo(39_00);
        assertThat(api.get("/api/account/ledger", token).body()).contains("server_charge");

        var c = io.sipfleet.control.certificate.TestCerts.selfSigned("x.example.com", clock.instant().minusSeconds(60),
                clock.instant().plusSeconds(86_400), "x.example.com");
        long cert = api.post("/api/certificates", token, Json.MAPPER.writeValueAsString(Map.of(
                "name", "x", "certificate", c.chainPem(), "private_key", c.keyPem()))).json().get("id").asLong();
        assertThat(api.post("/api/servers/" + one + "/certificates", token, "{\"certificate_id\": " + cert
                + ", \"kind\": \"client\"}").json().get(0).get("kind").asString()).isEqualTo("client");
        assertThat(api.call("DELETE", "/api/certificates/" + cert, token, null).status()).isEqualTo(409);
        assertThat(api.call("DELETE", "/api/servers/" + one + "/certificates/" + cert, token, null).status()).isEqualTo(204);
        assertThat(api.get("/api/servers/" + one + "/certificates", token).json().size()).isZero();
        assertThat(api.call("DELETE", "/api/certificates/" + cert, token, null).status()).isEqualTo(204);
        assertThat(api.get("/api/certificates/" + cert, token).status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anAccountCannotCreditItselfOnlyTheOperatorCan(Databases.Db db) {
        ApiClient api = client(db);
        String token = readyAccount(api, 20_00);
        long account = api.get("/api/account", token).json().get("id").asLong();
        ApiClient.Answer self = api.post("/api/account/top-ups", token, "{\"amount_cents\": 1000000}");
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.error()).contains("operator");
        ApiClient.Answer withAccountToken = api.post("/api/operator/accounts/" + account + "/top-ups", token,
                "{\"amount_cents\": 1000000}");
        assertThat(withAccountToken.status()).isEqualTo(403);
        assertThat(withAccountToken.error()).contains("operator token");
        assertThat(api.post("/api/operator/accounts/" + account + "/top-ups", null, "{\"amount_cents\": 1}").status())
                .isEqualTo(401);
        assertThat(api.get("/api/account/balance", token).json().get("balance_cents").asLong()).isEqualTo(20_00);
        assertThat(api.post("/api/operator/accounts/999999999/top-ups", OPERATOR, "{\"amount_cents\": 1}").status())
                .isEqualTo(404);
        assertThat(api.post("/api/operator/accounts/" + account + "/top-ups", OPERATOR, "{\"amount_cents\": 5}").status())
                .isEqualTo(201);
        assertThat(api.get("/api/account/balance", token).json().get("balance_cents").asLong()).isEqualTo(20_05);

        // The demo flag turns self top-ups on (what a local demo installation uses).
        try (ControlServer demo = ControlServer.start(0, db.db(), clock,
                ControlServer.Options.defaults().withSelfTopUps(true))) {
            ApiClient.Answer ok = new ApiClient(demo.port()).post("/api/account/top-ups", token, "{\"amount_cents\": 100}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        }
        assertThat(api.get("/api/account/balance", token).json().get("balance_cents").asLong()).isEqualTo(21_05);
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
        assertThat(doc.get("components").get("schemas").get("OperatorTopUpBody").get("properties").has("amount_cents")).isTrue();
        JsonNode clustering = doc.get("components").get("schemas").get("ClusterBody").get("properties").get("clustering");
        assertThat(clustering.get("properties").propertyNames()).containsExactly("store_fail_mode",
                "member_channel_limit", "capacity_failover_mode", "channel_lease_ttl_seconds");
        assertThat(doc.get("paths").get("/api/clusters/{id}").has("put")).isTrue();
        JsonNode settings = doc.get("components").get("schemas").get("ServerSettings").get("properties");
        assertThat(settings.get("extra_udp_ports").get("items").get("type").asString()).isEqualTo("integer");
        assertThat(settings.get("uac_registrations").get("items").get("properties").has("registrar")).isTrue();
        assertThat(doc.get("paths").get("/api/operator/billing/run").get("post").get("security").toString())
                .contains("operator");
    }
}
