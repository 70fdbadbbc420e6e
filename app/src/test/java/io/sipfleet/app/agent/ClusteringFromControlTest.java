package io.sipfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipfleet.app.Version;
import io.sipfleet.control.agent.FleetOptions;
import io.sipfleet.control.api.ControlServer;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.server.AddressPool;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A cluster's clustering settings, set through the REST API, reach the member switches the
 * control plane deployed through the agent (nodes in the agent's JVM, as in {@code sipfleet up},
 * sharing one in-memory cluster store), and a change reaches them while they run. Checked by what
 * the switches do, from a carrier gateway's address (trusted: no digest round): with
 * memberChannelLimit 1, a second call on member A while its first is ringing is redirected to
 * member B (302), and after capacity_failover_mode is changed to forward, A hands the next one
 * to B, which sends it on to the carrier.
 */
class ClusteringFromControlTest {
    static final String AGENT_TOKEN = "agent-" + UUID.randomUUID();
    /** A carrier's two gateways: calls come in from the first, go out to the second. */
    static final String GATEWAY_IN = "127.0.61.200", GATEWAY_OUT = "127.0.61.201";
    static final int GATEWAY_OUT_PORT = 5080;
    static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir Path dir;
    ControlDatabase db;
    ControlServer control;
    Agent agent;
    Api api;

    @BeforeEach void start() throws Exception {
        db = ControlDatabase.open("jdbc:h2:mem:clustering-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        control = ControlServer.start(0, db, Clock.systemUTC(), ControlServer.Options.defaults().withSelfTopUps(true)
                .withClusterStore("memory://clustering")
                .withFleet(FleetOptions.of(new AddressPool("127.0.61.", 100, 120), AGENT_TOKEN, Version.sipfleet())
                        .withMonitorInterval(Duration.ofMillis(500))));
        URI url = URI.create("http://127.0.0.1:" + control.port());
        agent = Agent.start(new Agent.Settings("local-us-east-1", "us-east", url, AGENT_TOKEN,
                new InetSocketAddress("127.0.0.1", 0), dir.resolve("agent")), new InProcessRuntime(), Image.current());
        api = new Api(url.toString());
    }

    @AfterEach void stop() {
        if (agent != null) agent.close();
        if (control != null) control.close();
        if (db != null) db.close();
    }

    @Test void membersApplyTheClustersSettingsAndTheirChanges() throws Exception {
        String realm = api.readyAccount("clustering@example.com", 100_00).get("sip_realm").asString();
        api.ok(201, "POST", "/api/routes", "{\"name\": \"in\", \"prefix\": \"99\", \"gateway\": \"sip:" + GATEWAY_IN + ":5099\"}");
        api.ok(201, "POST", "/api/routes", "{\"name\": \"out\", \"prefix\": \"555\", \"gateway\": \"sip:" + GATEWAY_OUT
                + ":" + GATEWAY_OUT_PORT + "\"}");
        long cluster = api.ok(201, "POST", "/api/clusters",
                "{\"name\": \"edge\", \"clustering\": {\"member_channel_limit\": 1}}").get("id").asLong();
        long a = api.ok(201, "POST", "/api/servers", "{\"type\": \"switch\", \"zone\": \"us-east\", \"cluster_id\": "
                + cluster + "}").get("id").asLong();
        long b = api.ok(201, "POST", "/api/servers", "{\"type\": \"switch\", \"zone\": \"us-east\", \"cluster_id\": "
                + cluster + "}").get("id").asLong();
        String ipA = awaitApplied(a), ipB = awaitApplied(b);

        try (DatagramSocket carrierOut = new DatagramSocket(new InetSocketAddress(GATEWAY_OUT, GATEWAY_OUT_PORT));
             DatagramSocket carrierIn = new DatagramSocket(new InetSocketAddress(GATEWAY_IN, 0))) {
            // The first call takes A's one channel and stays ringing.
            send(carrierIn, ipA, invite(carrierIn, "first", realm));
            DatagramPacket first = awaitInvite(carrierOut, "first");
            assertThat(first.getAddress().getHostAddress()).as("A carries it").isEqualTo(ipA);
            reply(carrierOut, first, "180 Ringing");

            // Over A's own cap: 302 to B, the member with room (capacity_failover_mode redirect, the default).
            send(carrierIn, ipA, invite(carrierIn, "second", realm));
            String moved = awaitFinal(carrierIn, "second");
            assertThat(moved).as(moved).startsWith("SIP/2.0 302 ");
            assertThat(header(moved, "Contact")).isEqualTo("<sip:5551234@" + ipB + ":5060>");

            // The change is pushed to the running members: A now hands such a call to B itself.
            JsonNode changed = api.ok(200, "PUT", "/api/clusters/" + cluster,
                    "{\"clustering\": {\"capacity_failover_mode\": \"forward\"}}");
            assertThat(changed.get("clustering").get("member_channel_limit").asInt()).isEqualTo(1);
            awaitApplied(a);
            awaitApplied(b);
            send(carrierIn, ipA, invite(carrierIn, "third", realm));
            DatagramPacket third = awaitInvite(carrierOut, "third");
            assertThat(third.getAddress().getHostAddress()).as("B carries it, forwarded by A").isEqualTo(ipB);
        }
    }

    /** Waits until the server runs and its switch applied control's current config version; its IP. */
    private String awaitApplied(long id) {
        String[] ip = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode s = api.ok(200, "GET", "/api/servers/" + id, null);
            assertThat(s.get("status").asString()).as(s.toString()).isEqualTo("running");
            ip[0] = s.get("ip").asString();
            assertThat(configVersionOnNode(ip[0])).as("config version on the node").isEqualTo(s.get("config_version").asLong());
        });
        return ip[0];
    }

    /** The config version the switch itself reports on its /metrics. */
    private static long configVersionOnNode(String ip) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + ip + ":9090/metrics"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith("sipfleet_config_version ") || line.startsWith("sipfleet_config_version{")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sipfleet_config_version in " + body);
    }

    /** An INVITE from the carrier to number 5551234 (a carrier route: no subscriber needed). */
    private static String invite(DatagramSocket from, String callId, String realm) {
        String local = GATEWAY_IN + ":" + from.getLocalPort();
        return "INVITE sip:5551234@" + realm + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK-" + callId + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:441632960001@" + realm + ">;tag=" + callId + "\r\n"
                + "To: <sip:5551234@" + realm + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:441632960001@" + local + ">\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static void send(DatagramSocket socket, String ip, String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, new InetSocketAddress(ip, 5060)));
    }

    /** The INVITE of {@code callId} as the carrier's outbound gateway receives it (retransmissions skipped). */
    private static DatagramPacket awaitInvite(DatagramSocket socket, String callId) throws IOException {
        return receive(socket, text -> text.startsWith("INVITE ") && callId.equals(header(text, "Call-ID")), "INVITE " + callId);
    }

    /** The final response to {@code callId}'s INVITE, as text. */
    private static String awaitFinal(DatagramSocket socket, String callId) throws IOException {
        DatagramPacket p = receive(socket, text -> text.matches("(?s)SIP/2\\.0 [2-6][0-9][0-9] .*")
                && callId.equals(header(text, "Call-ID")), "final response to " + callId);
        return text(p);
    }

    private static DatagramPacket receive(DatagramSocket socket, java.util.function.Predicate<String> wanted, String what)
            throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s");
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (wanted.test(text(p))) return p;
        }
    }

    /** A provisional answer to a received INVITE, so the switch stops retransmitting and keeps the call. */
    private static void reply(DatagramSocket socket, DatagramPacket invite, String status) throws IOException {
        String request = text(invite);
        String headers = request.lines()
                .filter(l -> l.matches("(?i)(Via|From|To|Call-ID|CSeq):.*"))
                .map(l -> l.regionMatches(true, 0, "To:", 0, 3) ? l + ";tag=gw" : l)
                .collect(Collectors.joining("\r\n"));
        byte[] b = ("SIP/2.0 " + status + "\r\n" + headers + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, invite.getSocketAddress()));
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** The first value of header {@code name} (full form only, as the switch writes them), or null. */
    private static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
