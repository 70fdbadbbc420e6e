package io.sipfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.Version;
import io.sipfleet.app.switching.Sipp;
import io.sipfleet.control.agent.FleetOptions;
import io.sipfleet.control.api.ControlServer;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.server.AddressPool;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The issue's end-to-end test, all through the REST API with the real agent ({@code sipfleet agent}
 * as its own OS process) and real node processes (its children): deploy a switch -> running (it answers OPTIONS) -> a SIPp call through it -> stop
 * (it no longer answers) -> start -> power cycle (a new pid, running again); every step in the
 * audit log, and invalid transitions refused with a 409 naming the state.
 */
class FleetActionsEndToEndTest {
    static final String CALLER = "127.0.7.190", CALLEE = "127.0.7.191";
    static final String AGENT_TOKEN = "agent-" + UUID.randomUUID();

    @TempDir Path dir;
    ControlDatabase db;
    ControlServer control;
    Process agent;
    URI agentUrl;
    Api api;

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @BeforeEach void start() throws Exception {
        db = ControlDatabase.open("jdbc:h2:mem:e2e-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        control = ControlServer.start(0, db, Clock.systemUTC(), ControlServer.Options.defaults().withSelfTopUps(true)
                .withFleet(FleetOptions.of(new AddressPool("127.0.7.", 2, 40), AGENT_TOKEN, Version.sipfleet())
                        .withMonitorInterval(Duration.ofSeconds(1))));
        URI url = URI.create("http://127.0.0.1:" + control.port());
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            agentPort = free.getLocalPort();
        }
        agentUrl = URI.create("http://127.0.0.1:" + agentPort);
        agent = startAgent(url, "agent.log");
        api = new Api(url.toString());
    }

    int agentPort;

    /** {@code sipfleet agent} as its own process; returns once it registered with control. */
    Process startAgent(URI control, String logName) throws Exception {
        Image image = Image.current();
        List<String> cmd = new ArrayList<>(List.of(image.java()));
        cmd.addAll(image.jvmArgs());
        cmd.addAll(List.of("-cp", image.classPath(), "io.sipfleet.app.Main", "agent", "--control", control.toString(),
                "--token", AGENT_TOKEN, "--zone", "us-east", "--name", "local-us-east-1",
                "--listen", "127.0.0.1:" + agentPort, "--dir", dir.resolve("agent").toString()));
        Path log = dir.resolve(logName);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("agent local-us-east-1 (zone us-east) on "));
        return p;
    }

    @AfterEach void stop() throws Exception {
        if (agent != null && agent.isAlive()) {
            agent.destroy();
            if (!agent.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) agent.destroyForcibly();
        }
        if (control != null) control.close();
        if (db != null) db.close();
    }

    JsonNode awaitStatus(long id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            last[0] = api.ok(200, "GET", "/api/servers/" + id, null);
            assertThat(last[0].get("status").asString()).as(last[0].toString()).isEqualTo(status);
        });
        return last[0];
    }

    JsonNode action(long id, String action) {
        return api.ok(200, "POST", "/api/servers/" + id + "/actions", "{\"action\": \"" + action + "\"}");
    }

    void call(String ip, String domain, String label) {
        Sipp.scenario("register-domain").local(CALLEE, 5070).remote(ip, 5060).calls(1).timeout(10)
                .key("domain", domain).arg("-auth_uri", domain)
                .injection("SEQUENTIAL", "1002;[authentication username=1002 password=pass1002];" + CALLEE + ":5070")
                .run(dir, "register-" + label).assertClean(1);
        try (Sipp.Running callee = Sipp.scenario("uas-answer").local(CALLEE, 5070).key("user", "1002").calls(1)
                .timeout(20).start(dir, "answer-" + label).awaitBound()) {
            Sipp.scenario("uac-call-domain").local(CALLER, 5060).remote(ip, 5060).key("domain", domain)
                    .injection("SEQUENTIAL", "1001;[authentication username=1001 password=pass1001]")
                    .arg("-auth_uri", "1002@" + domain).arg("-s", "1002").timeout(20)
                    .calls(1).run(dir, "caller-" + label).assertClean(1);
            callee.await().assertClean(1);
        }
    }

    @Test void deployCallStopStartPowerCycleThroughTheApi() throws Exception {
        String realm = api.readyAccount("e2e@example.com", 100_00).get("sip_realm").asString();
        api.ok(201, "POST", "/api/sip-users", "{\"username\": \"1001\", \"password\": \"pass1001\"}");
        api.ok(201, "POST", "/api/sip-users", "{\"username\": \"1002\", \"password\": \"pass1002\"}");

        JsonNode deployed = api.ok(201, "POST", "/api/servers", "{\"type\": \"switch\", \"zone\": \"us-east\"}");
        long id = deployed.get("id").asLong();
        assertThat(deployed.get("status").asString()).isEqualTo("deploying");
        String ip = deployed.get("ip").asString();
        assertThat(ip).startsWith("127.0.7.");

        JsonNode running = awaitStatus(id, "running");
        assertThat(running.get("version").asString()).isEqualTo(Version.sipfleet());
        assertThat(running.get("pending_update").asBoolean()).isFalse();
        long firstPid = agentPid("switch-" + id);

        // A call through the deployed switch, registered and authenticated against the account's users.
        call(ip, realm, "1");

        // Invalid transitions: a clear 409 naming the state, and recorded as refused.
        Api.Answer again = api.call("POST", "/api/servers/" + id + "/actions", "{\"action\": \"start\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asString()).contains("is running already");
        assertThat(api.call("POST", "/api/servers/" + id + "/actions", "{\"action\": \"reboot\"}").json()
                .get("error").asString()).contains("action: must be one of install, start, stop");

        JsonNode stopped = action(id, "stop");
        assertThat(stopped.get("server").get("status").asString()).isEqualTo("stopped");
        assertThat(io.sipfleet.control.health.SipProbe.options(ip, 5060, Duration.ofMillis(500))).isEmpty();
        assertThat(api.call("POST", "/api/servers/" + id + "/actions", "{\"action\": \"power_cycle\"}").status())
                .isEqualTo(409);

        JsonNode started = action(id, "start");
        assertThat(started.get("server").get("status").asString()).isEqualTo("running");
        assertThat(started.get("message").asString()).contains("answers SIP OPTIONS");
        long startedPid = agentPid("switch-" + id);
        assertThat(startedPid).isNotEqualTo(firstPid);

        JsonNode cycled = action(id, "power_cycle");
        assertThat(cycled.get("server").get("status").asString()).isEqualTo("running");
        assertThat(cycled.get("message").asString()).contains("killed pid " + startedPid);
        long cycledPid = agentPid("switch-" + id);
        assertThat(ProcessHandle.of(startedPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(cycledPid).isNotEqualTo(startedPid);

        // Still serves calls after all that (bindings were in the killed process's memory: register again).
        call(ip, realm, "2");

        // The monitor measured it: SIP RTT, the TCP connect fallback (labelled), channels from /metrics.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode s = api.ok(200, "GET", "/api/servers/" + id, null);
            assertThat(s.get("sip_latency_ms").isNumber()).as(s.toString()).isTrue();
            assertThat(s.get("tcp_connect_latency_ms").isNumber()).as(s.toString()).isTrue();
            // ICMP when control may send it (CAP_NET_RAW), else the TCP connect time, labelled.
            if (io.sipfleet.control.health.SipProbe.ICMP) {
                assertThat(s.get("icmp_latency_ms").isNumber()).as(s.toString()).isTrue();
                assertThat(s.get("latency_method").asString()).startsWith("icmp echo");
            } else {
                assertThat(s.get("icmp_latency_ms").isNull()).isTrue();
                assertThat(s.get("latency_method").asString()).contains("tcp_connect", "ICMP not available");
            }
            assertThat(s.get("channels_in_use").asInt()).isZero();
        });

        // A node that dies behind the agent's back (kill -9): three unanswered probes -> failed, with the
        // reason; a power cycle brings it back.
        ProcessHandle.of(cycledPid).orElseThrow().destroyForcibly();
        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.get("status_reason").asString()).contains("stopped answering SIP OPTIONS on " + ip + ":5060");
        JsonNode revived = action(id, "power_cycle");
        assertThat(revived.get("message").asString()).contains("was not running");
        assertThat(revived.get("server").get("status").asString()).isEqualTo("running");
        assertThat(revived.get("server").get("status_reason").isNull()).isTrue();

        // The agent dies without stopping its node (kill -9): the next agent stops the orphan that
        // still holds the address, control sees the server fail, and an install brings it back.
        long orphan = agentPid("switch-" + id);
        agent.destroyForcibly().waitFor();
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("orphan survives its agent").isTrue();
        agent = startAgent(URI.create("http://127.0.0.1:" + control.port()), "agent-2.log");
        assertThat(Files.readString(dir.resolve("agent-2.log"))).contains("still runs from an earlier agent: stopping it");
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        awaitStatus(id, "failed");
        JsonNode reinstalled = action(id, "install");
        assertThat(reinstalled.get("server").get("status").asString()).isEqualTo("running");

        // SIGTERM to the agent stops its nodes (its children) before it exits.
        long lastPid = agentPid("switch-" + id);
        agent.destroy();
        assertThat(agent.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(lastPid).map(ProcessHandle::isAlive).orElse(false)).as("node stopped with its agent").isFalse();

        List<String> log = new ArrayList<>();
        for (JsonNode e : api.ok(200, "GET", "/api/servers/" + id + "/audit", null)) {
            log.add(0, e.get("action").asString() + ":" + e.get("result").asString() + ":" + e.get("actor").asString());
        }
        assertThat(log).containsExactly("deploy:ok:control", "start:refused:user e2e@example.com",
                "stop:ok:user e2e@example.com", "power_cycle:refused:user e2e@example.com",
                "start:ok:user e2e@example.com", "power_cycle:ok:user e2e@example.com",
                "power_cycle:ok:user e2e@example.com", "install:ok:user e2e@example.com");
    }

    /** The pid the agent reports for node {@code name} (its own API, with the agent token). */
    long agentPid(String name) {
        try {
            String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            agentUrl.resolve("/nodes/" + name)).header("Authorization", "Bearer " + AGENT_TOKEN).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return tools.jackson.databind.json.JsonMapper.builder().build().readTree(body).get("pid").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
