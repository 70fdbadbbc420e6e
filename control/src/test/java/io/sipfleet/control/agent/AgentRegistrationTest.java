package io.sipfleet.control.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.control.Databases;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.api.ControlServer;
import io.sipfleet.control.health.Versions;
import io.sipfleet.control.server.AddressPool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agents registering with control (POST /api/agents with the agent token), on both databases;
 * a deploy into a zone whose host has no agent fails with the reason; the address pool and
 * build-version rules.
 */
class AgentRegistrationTest {

    static final String AGENT_TOKEN = "agent-" + UUID.randomUUID();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static Databases databases;
    static final Map<String, ControlServer> servers = new HashMap<>();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        databases = Databases.forClass(AgentRegistrationTest.class);
        for (Databases.Db db : databases.all()) {
            servers.put(db.name(), ControlServer.start(0, db.db(), Clock.systemUTC(), ControlServer.Options.defaults()
                    .withSelfTopUps(true)
                    .withFleet(FleetOptions.of(new AddressPool("127.0.7.", 200, 210), AGENT_TOKEN, "1.0.0")
                            .withStartTimeout(Duration.ofSeconds(2)))));
        }
    }

    @AfterAll
    static void stop() {
        servers.values().forEach(ControlServer::close);
        databases.close();
    }

    static List<Databases.Db> databases() {
        return databases.all();
    }

    record Answer(int status, JsonNode json) {
    }

    Answer call(Databases.Db db, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servers.get(db.name()).port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    static String register(String name, String zone, String url) {
        return "{\"name\": \"" + name + "\", \"zone\": \"" + zone + "\", \"url\": \"" + url + "\"}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void registrationNeedsTheAgentTokenAndValidFields(Databases.Db db) throws Exception {
        String name = "host-" + UUID.randomUUID().toString().substring(0, 8);
        Answer noToken = call(db, "POST", "/api/agents", null, register(name, "us-east", "http://10.0.0.5:7070"));
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.json().get("error").asString()).contains("AGENT_TOKEN");
        assertThat(call(db, "POST", "/api/agents", "agent-wrong", register(name, "us-east", "http://10.0.0.5:7070")).status())
                .isEqualTo(401);

        Answer zone = call(db, "POST", "/api/agents", AGENT_TOKEN, register(name, "mars-1", "http://10.0.0.5:7070"));
        assertThat(zone.status()).isEqualTo(400);
        assertThat(zone.json().get("error").asString()).startsWith("zone: unknown zone 'mars-1'");
        Answer url = call(db, "POST", "/api/agents", AGENT_TOKEN, register(name, "us-east", "ftp://10.0.0.5"));
        assertThat(url.status()).isEqualTo(400);
        assertThat(url.json().get("error").asString()).startsWith("url: must be the agent's http URL");
        Answer badName = call(db, "POST", "/api/agents", AGENT_TOKEN, register("no spaces", "us-east", "http://10.0.0.5:7070"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("error").asString()).startsWith("name:");
        assertThat(call(db, "POST", "/api/agents", AGENT_TOKEN, "{\"name\": \"" + name + "\", \"zone\": \"us-east\", "
                + "\"url\": \"http://10.0.0.5:7070\", \"extra\": 1}").json().get("error").asString()).startsWith("extra: unknown field");

        Answer ok = call(db, "POST", "/api/agents", AGENT_TOKEN, register(name, "us-east", "http://10.0.0.5:7070"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("agent_url").asString()).isEqualTo("http://10.0.0.5:7070");
        long id = ok.json().get("id").asLong();
        // The heartbeat with a new URL (agent restarted elsewhere) updates the same host.
        Answer again = call(db, "POST", "/api/agents", AGENT_TOKEN, register(name, "eu-west", "http://10.0.0.6:7070"));
        assertThat(again.json().get("id").asLong()).isEqualTo(id);
        assertThat(again.json().get("agent_url").asString()).isEqualTo("http://10.0.0.6:7070");
        assertThat(again.json().get("zone_id").asString()).isEqualTo("eu-west");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void deployOntoAHostWhoseAgentIsUnreachableFailsWithTheReasonAndTheHostKeepsItsZone(Databases.Db db) throws Exception {
        // An agent registers for eu-west at an address where nothing listens.
        String name = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(call(db, "POST", "/api/agents", AGENT_TOKEN, register(name, "eu-west", "http://127.0.0.1:9")).status())
                .isEqualTo(200);
        String email = "ops-" + UUID.randomUUID() + "@example.com";
        String token = call(db, "POST", "/api/accounts", null, "{\"name\": \"Acme\", \"email\": \"" + email + "\"}")
                .json().get("token").asString();
        call(db, "PUT", "/api/account/contact", token, "{\"name\": \"Ada\", \"email\": \"" + email + "\", \"phone\": \"+1 555 0100\"}");
        call(db, "POST", "/api/account/terms", token, "{\"accept\": true}");
        assertThat(call(db, "POST", "/api/account/top-ups", token, "{\"amount_cents\": 10000}").status()).isEqualTo(201);

        long id = call(db, "POST", "/api/servers", token, "{\"type\": \"switch\", \"zone\": \"eu-west\"}").json().get("id").asLong();
        JsonNode server = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            server = call(db, "GET", "/api/servers/" + id, token, null).json();
            if (server.get("status").asString().equals("failed")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(server.get("status").asString()).isEqualTo("failed");
        assertThat(server.get("status_reason").asString()).contains("agent of host", "unreachable");
        JsonNode audit = call(db, "GET", "/api/servers/" + id + "/audit", token, null).json();
        assertThat(audit.get(0).get("action").asString()).isEqualTo("deploy");
        assertThat(audit.get(0).get("result").asString()).isEqualTo("failed");
        // A host with servers cannot move to another zone under them.
        Answer move = call(db, "POST", "/api/agents", AGENT_TOKEN, register(name, "us-east", "http://127.0.0.1:9"));
        assertThat(move.status()).isEqualTo(409);
        assertThat(move.json().get("error").asString()).contains("has servers there");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void serversSpreadOverTheZonesHostsAndSkipAHostWhoseAgentWentQuiet(Databases.Db db) throws Exception {
        String zone = "t" + UUID.randomUUID().toString().substring(0, 8);
        db.db().jdbi().useHandle(h -> h.execute("INSERT INTO zone (id, name, region) VALUES (?, 'Test', 'US')", zone));
        long[] hosts = new long[3];
        for (int i = 0; i < 3; i++) {
            hosts[i] = call(db, "POST", "/api/agents", AGENT_TOKEN, register(zone + "-h" + i, zone, "http://127.0.0.1:9"))
                    .json().get("id").asLong();
        }
        // Host 2's agent stopped calling in an hour ago.
        db.db().jdbi().useHandle(h -> h.createUpdate("UPDATE host SET agent_seen_at = :t WHERE id = :id")
                .bind("t", java.time.Instant.now().minus(Duration.ofHours(1))).bind("id", hosts[2]).execute());
        String email = "spread-" + UUID.randomUUID() + "@example.com";
        String token = call(db, "POST", "/api/accounts", null, "{\"name\": \"Acme\", \"email\": \"" + email + "\"}")
                .json().get("token").asString();
        call(db, "PUT", "/api/account/contact", token, "{\"name\": \"Ada\", \"email\": \"" + email + "\", \"phone\": \"+1 555 0100\"}");
        call(db, "POST", "/api/account/terms", token, "{\"accept\": true}");
        call(db, "POST", "/api/account/top-ups", token, "{\"amount_cents\": 10000}");
        List<Long> placed = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long id = call(db, "POST", "/api/servers", token, "{\"type\": \"switch\", \"zone\": \"" + zone + "\"}")
                    .json().get("id").asLong();
            placed.add(db.db().jdbi().withHandle(h -> h.createQuery("SELECT host_id FROM server WHERE id = :id")
                    .bind("id", id).mapTo(Long.class).one()));
        }
        assertThat(placed.subList(0, 2)).containsExactlyInAnyOrder(hosts[0], hosts[1]);
        assertThat(placed.get(2)).as("not the quiet host, although it has no server").isNotEqualTo(hosts[2]);
    }

    @Test
    void aDeployCutShortByAControlRestartIsMarkedFailedWithTheReason() throws Exception {
        var db = io.sipfleet.control.db.ControlDatabase.open("jdbc:h2:mem:stuck-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (db) {
            long accountId;
            long serverId;
            // Control without agents: the deploy is recorded and nothing ever runs it.
            try (ControlServer plain = ControlServer.start(0, db, Clock.systemUTC(), ControlServer.Options.defaults())) {
                var accounts = new io.sipfleet.control.account.AccountService(db, Clock.systemUTC());
                var signup = accounts.signup("Acme", "stuck@example.com");
                accountId = signup.accountId();
                accounts.updateContact(accountId, "Ada", "stuck@example.com", "+1 555 0100");
                accounts.acceptTerms(accountId);
                accounts.topUp(accountId, 10000);
                serverId = new io.sipfleet.control.server.ServerService(db, Clock.systemUTC(),
                        io.sipfleet.control.server.Provisioner.NONE)
                        .deploy(accountId, new io.sipfleet.control.server.DeployRequest("switch", "us-east", null)).id();
            }
            try (ControlServer fleet = ControlServer.start(0, db, Clock.systemUTC(), ControlServer.Options.defaults()
                    .withFleet(FleetOptions.of(new AddressPool("127.0.7.", 211, 215), AGENT_TOKEN, "1.0.0")))) {
                var s = fleet.fleet().live().of(new io.sipfleet.control.server.ServerService(db, Clock.systemUTC(),
                        io.sipfleet.control.server.Provisioner.NONE).get(accountId, serverId));
                assertThat(s.statusReason()).isEqualTo("control stopped during the deploy; run the install action");
                assertThat(new io.sipfleet.control.server.ServerService(db, Clock.systemUTC(),
                        io.sipfleet.control.server.Provisioner.NONE).get(accountId, serverId).status()).isEqualTo("failed");
            }
        }
    }

    @Test
    void addressPoolHandsOutTheNextFreeAddressAndParsesRanges() {
        AddressPool pool = AddressPool.parse("127.0.7.2-4");
        assertThat(pool).isEqualTo(new AddressPool("127.0.7.", 2, 4));
        assertThat(AddressPool.parse("127.0.7.2-127.0.7.4")).isEqualTo(pool);
        assertThat(pool.toString()).isEqualTo("127.0.7.2-4");
        assertThatThrownBy(() -> AddressPool.parse("127.0.7.9")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("address_pool: must look like 127.0.7.2-254");
        assertThatThrownBy(() -> AddressPool.parse("127.0.7.9-3")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void olderBuildsAreComparedByTheirNumbers() {
        assertThat(Versions.older("0.1.0", "0.2.0")).isTrue();
        assertThat(Versions.older("0.9.0", "0.10.0")).as("numbers, not text").isTrue();
        assertThat(Versions.older("0.1.0-SNAPSHOT", "0.1.0")).as("a pre-release is older than the release").isTrue();
        assertThat(Versions.older("0.1.0", "0.1.0-SNAPSHOT")).isFalse();
        assertThat(Versions.older("0.2.0", "0.2.0")).isFalse();
        assertThat(Versions.older(null, "0.2.0")).as("unknown is never pending").isFalse();
    }
}
