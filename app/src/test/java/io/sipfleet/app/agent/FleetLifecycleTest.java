package io.sipfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipfleet.app.Version;
import io.sipfleet.control.agent.FleetOptions;
import io.sipfleet.control.api.ControlServer;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.server.AddressPool;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Resize, updates, auto upgrade, restart, OS cycle and a deploy that fails, through the REST API
 * with the real agent; the nodes run in this JVM (the agent's in-process runtime, as in
 * {@code sipfleet up}) so each test takes seconds. What a node applied is read from its own
 * /metrics, not from control's records.
 */
class FleetLifecycleTest {
    static final String AGENT_TOKEN = "agent-" + UUID.randomUUID();
    static final String OLD_BUILD = "0.0.1";

    @TempDir Path dir;
    ControlDatabase db;
    ControlServer control;
    Agent agent;
    Api api;

    String schema;

    @BeforeEach void start(org.junit.jupiter.api.TestInfo test) throws Exception {
        if (test.getTags().contains("postgresql")) {
            // The machine's PostgreSQL, in a schema of this test's own (dropped afterwards).
            schema = "t_life_" + UUID.randomUUID().toString().substring(0, 8);
            try (var c = java.sql.DriverManager.getConnection(PG); var st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            } catch (java.sql.SQLException e) {
                org.junit.jupiter.api.Assumptions.abort("PostgreSQL at 127.0.0.1:5432 unreachable: " + e.getMessage());
            }
            db = ControlDatabase.open(PG + "&currentSchema=" + schema);
        } else {
            db = ControlDatabase.open("jdbc:h2:mem:life-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        }
        control = ControlServer.start(0, db, Clock.systemUTC(), ControlServer.Options.defaults().withSelfTopUps(true)
                .withClusterStore("memory://test")
                .withFleet(FleetOptions.of(new AddressPool("127.0.7.", 100, 120), AGENT_TOKEN, Version.sipfleet())
                        .withMonitorInterval(Duration.ofMillis(500))
                        // "impatient": a start timeout nothing can meet, to see the timeout's failure.
                        .withStartTimeout(test.getTags().contains("impatient") ? Duration.ZERO : Duration.ofSeconds(30))));
        URI url = URI.create("http://127.0.0.1:" + control.port());
        agent = Agent.start(new Agent.Settings("local-us-east-1", "us-east", url, AGENT_TOKEN,
                new InetSocketAddress("127.0.0.1", 0), dir.resolve("agent")), new InProcessRuntime(), Image.current());
        api = new Api(url.toString());
        api.readyAccount("life@example.com", 100_00);
        api.ok(201, "POST", "/api/sip-users", "{\"username\": \"1001\", \"password\": \"pass1001\"}");
    }

    @AfterEach void stop() {
        if (agent != null) agent.close();
        if (control != null) control.close();
        if (db != null) db.close();
        if (schema != null) {
            try (var c = java.sql.DriverManager.getConnection(PG); var st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @Test @org.junit.jupiter.api.Tag("impatient") void aNodeNotAnsweringInTimeIsFailedWithTheReasonUntilItAnswers() {
        long id = api.ok(201, "POST", "/api/servers", "{\"type\": \"switch\", \"zone\": \"us-east\"}").get("id").asLong();
        // (The monitor may turn it running again within one round: read the failure from the audit log.)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(audit(id)).containsExactly("deploy:failed:control"));
        JsonNode entry = api.ok(200, "GET", "/api/servers/" + id + "/audit", null).get(0);
        String ip = api.ok(200, "GET", "/api/servers/" + id, null).get("ip").asString();
        assertThat(entry.get("message").asString()).isEqualTo("did not answer SIP OPTIONS on " + ip + ":5060 within 0 s of its start");
        // The node came up after all: the monitor's next answered probe makes it running.
        JsonNode running = awaitServer(id, "running");
        assertThat(running.get("status_reason").isNull()).isTrue();
    }

    /** The runtime's SQL (runtime rows, audit, resize, the monitor's reads) on PostgreSQL too. */
    @Test @org.junit.jupiter.api.Tag("postgresql") void onPostgresqlDeployResizeRestartAndTheMonitorWork() throws Exception {
        JsonNode s = deployRunning("switch");
        long id = s.get("id").asLong();
        String ip = s.get("ip").asString();
        api.ok(200, "POST", "/api/servers/" + id + "/resize", "{\"channels\": 300}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(channelLimitOnNode(ip)).isEqualTo(300));
        api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"restart\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode live = api.ok(200, "GET", "/api/servers/" + id, null);
            assertThat(live.get("sip_latency_ms").isNumber()).as(live.toString()).isTrue();
            assertThat(live.get("channels_in_use").asInt()).isZero();
        });
        assertThat(audit(id)).containsExactly("deploy:ok:control", "resize:ok:user life@example.com",
                "restart:ok:user life@example.com");
    }

    JsonNode deployRunning(String type) {
        long id = api.ok(201, "POST", "/api/servers", "{\"type\": \"" + type + "\", \"zone\": \"us-east\"}").get("id").asLong();
        return awaitServer(id, "running");
    }

    JsonNode awaitServer(long id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            last[0] = api.ok(200, "GET", "/api/servers/" + id, null);
            assertThat(last[0].get("status").asString()).as(last[0].toString()).isEqualTo(status);
        });
        return last[0];
    }

    /** The channel limit the switch itself reports on its /metrics. */
    static int channelLimitOnNode(String ip) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + ip + ":9090/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith("sipfleet_channel_limit")) {
                return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sipfleet_channel_limit in " + body);
    }

    List<String> audit(long id) {
        List<String> log = new ArrayList<>();
        for (JsonNode e : api.ok(200, "GET", "/api/servers/" + id + "/audit", null)) {
            log.add(0, e.get("action").asString() + ":" + e.get("result").asString() + ":" + e.get("actor").asString());
        }
        return log;
    }

    @Test void resizeUpTo1000IsAppliedLiveAbove1000ItWarnsThenRestarts() throws Exception {
        JsonNode s = deployRunning("switch");
        long id = s.get("id").asLong();
        String ip = s.get("ip").asString();
        assertThat(channelLimitOnNode(ip)).isEqualTo(100);

        JsonNode live = api.ok(200, "POST", "/api/servers/" + id + "/resize", "{\"channels\": 500}");
        assertThat(live.get("message").asString()).contains("applied live at the next config pull");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(channelLimitOnNode(ip)).isEqualTo(500));
        assertThat(api.ok(200, "GET", "/api/servers/" + id, null).get("status").asString()).isEqualTo("running");

        Api.Answer warned = api.call("POST", "/api/servers/" + id + "/resize", "{\"channels\": 2000}");
        assertThat(warned.status()).isEqualTo(409);
        assertThat(warned.json().get("error").asString()).contains("restarts it at once", "\"confirm\": true");
        assertThat(api.ok(200, "GET", "/api/servers/" + id, null).get("channels_max").asInt()).as("nothing changed").isEqualTo(500);

        JsonNode big = api.ok(200, "POST", "/api/servers/" + id + "/resize", "{\"channels\": 2000, \"confirm\": true}");
        assertThat(big.get("message").asString()).contains("restarted at once", "answers SIP OPTIONS");
        assertThat(big.get("server").get("channels_max").asInt()).isEqualTo(2000);
        assertThat(channelLimitOnNode(ip)).isEqualTo(2000);

        assertThat(api.call("POST", "/api/servers/" + id + "/resize", "{\"channels\": 0}").status()).isEqualTo(400);
        assertThat(api.call("POST", "/api/servers/" + id + "/resize", "{\"channels\": \"10\"}").status()).isEqualTo(400);
        assertThat(audit(id)).containsExactly("deploy:ok:control", "resize:ok:user life@example.com",
                "resize:refused:user life@example.com", "resize:ok:user life@example.com");
    }

    @Test void olderBuildShowsPendingUpdateAndTheUpdateActionAppliesIt() {
        agent.image(Image.current().withVersion(OLD_BUILD));
        JsonNode s = deployRunning("switch");
        long id = s.get("id").asLong();
        assertThat(s.get("version").asString()).isEqualTo(OLD_BUILD);
        assertThat(s.get("pending_update").asBoolean()).isTrue();

        agent.image(Image.current()); // the host got the current build
        JsonNode updated = api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"update\"}");
        assertThat(updated.get("message").asString()).contains("updated from " + OLD_BUILD);
        assertThat(updated.get("server").get("version").asString()).isEqualTo(Version.sipfleet());
        assertThat(updated.get("server").get("pending_update").asBoolean()).isFalse();
        assertThat(updated.get("server").get("status").asString()).isEqualTo("running");

        Api.Answer again = api.call("POST", "/api/servers/" + id + "/actions", "{\"action\": \"update\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asString()).contains("already runs build " + Version.sipfleet());
    }

    @Test void autoUpgradeUpdatesAnIdleServerByItself() {
        agent.image(Image.current().withVersion(OLD_BUILD));
        long id = deployRunning("switch").get("id").asLong();
        agent.image(Image.current());
        // Off (the default): stays on the old build.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(api.ok(200, "GET", "/api/servers/" + id, null).get("version").asString()).isEqualTo(OLD_BUILD));
        api.ok(200, "PUT", "/api/servers/" + id + "/settings", "{\"auto_upgrade\": true}");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode s = api.ok(200, "GET", "/api/servers/" + id, null);
            assertThat(s.get("version").asString()).isEqualTo(Version.sipfleet());
            assertThat(s.get("status").asString()).isEqualTo("running");
            assertThat(audit(id)).contains("update:ok:auto-upgrade");
        });
    }

    @Test void restartAndOsCycleBringTheServerBack() {
        long id = deployRunning("switch").get("id").asLong();
        JsonNode restarted = api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"restart\"}");
        assertThat(restarted.get("message").asString()).startsWith("restarted: answers SIP OPTIONS");
        JsonNode cycled = api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"os_cycle\"}");
        assertThat(cycled.get("message").asString()).contains("no calls to drain; restarted", "answers SIP OPTIONS");
        assertThat(cycled.get("server").get("status").asString()).isEqualTo("running");
        JsonNode flushed = api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"flush\"}");
        assertThat(flushed.get("message").asString()).contains("written to the node");
        assertThat(api.ok(200, "GET", "/api/audit", null).size()).isEqualTo(4);
    }

    @Test void osCycleWaitsForTheCallInProgressThenRestarts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.sipfleet.app.switching.Sipp.binary() != null, "no sipp");
        String caller = "127.0.7.192", callee = "127.0.7.193";
        api.ok(201, "POST", "/api/sip-users", "{\"username\": \"1002\", \"password\": \"pass1002\"}");
        String realm = api.ok(200, "GET", "/api/account", null).get("sip_realm").asString();
        JsonNode s = deployRunning("switch");
        long id = s.get("id").asLong();
        String ip = s.get("ip").asString();
        io.sipfleet.app.switching.Sipp.scenario("register-domain").local(callee, 5070).remote(ip, 5060).calls(1)
                .timeout(10).key("domain", realm).arg("-auth_uri", realm)
                .injection("SEQUENTIAL", "1002;[authentication username=1002 password=pass1002];" + callee + ":5070")
                .run(dir, "register").assertClean(1);
        try (var uas = io.sipfleet.app.switching.Sipp.scenario("uas-answer").local(callee, 5070).key("user", "1002")
                .calls(1).timeout(30).start(dir, "callee").awaitBound();
             var call = io.sipfleet.app.switching.Sipp.scenario("uac-call-long-domain").local(caller, 5060)
                     .remote(ip, 5060).key("domain", realm)
                     .injection("SEQUENTIAL", "1001;[authentication username=1001 password=pass1001]")
                     .arg("-auth_uri", "1002@" + realm).arg("-s", "1002").timeout(30).calls(1).start(dir, "caller")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(channelsInUseOnNode(ip)).isEqualTo(1));
            long begin = System.nanoTime();
            var cycling = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"os_cycle\"}"));
            // While it drains, the node takes no new call: its channel limit is the one call in progress.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(channelLimitOnNode(ip)).isEqualTo(1));
            JsonNode cycled = cycling.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(cycled.get("message").asString()).contains("drained 1 calls; restarted");
            assertThat((System.nanoTime() - begin) / 1_000_000).as("waited for the call to end").isGreaterThan(1500);
            call.await().assertClean(1); // the call in progress was not cut
            uas.await().assertClean(1);
        }
        assertThat(channelLimitOnNode(ip)).as("the drain limit is gone after the restart").isEqualTo(100);
    }

    static int channelsInUseOnNode(String ip) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + ip + ":9090/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith("sipfleet_channels_in_use")) {
                return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sipfleet_channels_in_use in " + body);
    }

    @Test void expiryReachesTheRunningNodeAtTheNextConfigPullAndFreezesItsActions() throws Exception {
        JsonNode s = deployRunning("switch");
        long id = s.get("id").asLong();
        String ip = s.get("ip").asString();
        // Fifteen days on: the test period is over.
        var later = Clock.offset(Clock.systemUTC(), Duration.ofDays(15));
        assertThat(new io.sipfleet.control.billing.BillingService(db, later).run().expired()).contains(id);
        JsonNode expired = api.ok(200, "GET", "/api/servers/" + id, null);
        assertThat(expired.get("status").asString()).isEqualTo("expired");
        long version = expired.get("config_version").asLong();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gaugeOnNode(ip, "sipfleet_config_version")).as("the node applied the expiry").isEqualTo(version));
        assertThat(java.nio.file.Files.readString(dir.resolve("agent/switch-" + id + "/config.json")))
                .contains("\"serviceState\" : \"expired\"");
        // The snapshot holds HA1s, the nonce key and upstream passwords: readable by the owner only.
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("agent/switch-" + id + "/config.json")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Api.Answer restart = api.call("POST", "/api/servers/" + id + "/actions", "{\"action\": \"restart\"}");
        assertThat(restart.status()).isEqualTo(409);
        assertThat(restart.json().get("error").asString()).contains("is expired: reactivate it first");
        assertThat(api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"stop\"}")
                .get("server").get("status").asString()).isEqualTo("expired");
    }

    static long gaugeOnNode(String ip, String name) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + ip + ":9090/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " in " + body);
    }

    @Test void aSwitchDeployedLaterJoinsTheRunningDispatchersDestinations() throws Exception {
        String first = deployRunning("switch").get("ip").asString();
        JsonNode d = deployRunning("dispatcher");
        String dip = d.get("ip").asString();
        assertThat(dispatcherStatus(dip)).contains("sip:" + first + ":5060");
        String second = deployRunning("switch").get("ip").asString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(dispatcherStatus(dip)).contains("sip:" + first + ":5060", "sip:" + second + ":5060"));
        assertThat(api.ok(200, "GET", "/api/servers/" + d.get("id").asLong(), null).get("status").asString()).isEqualTo("running");
    }

    static String dispatcherStatus(String ip) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + ip + ":9190/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test void aDispatcherWithNoSwitchFailsWithTheReason() {
        long id = api.ok(201, "POST", "/api/servers", "{\"type\": \"dispatcher\", \"zone\": \"us-east\"}").get("id").asLong();
        JsonNode failed = awaitServer(id, "failed");
        assertThat(failed.get("status_reason").asString()).contains("has no switch to dispatch to: deploy a switch");
        assertThat(audit(id)).containsExactly("deploy:failed:control");
        Api.Answer restart = api.call("POST", "/api/servers/" + id + "/actions", "{\"action\": \"restart\"}");
        assertThat(restart.status()).isEqualTo(409);
        assertThat(restart.json().get("error").asString()).contains("is failed: only a running server can be restarted");
    }
}
