package io.sipfleet.app.up;

import io.sipfleet.cluster.ClusterState;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherNode;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.SwitchConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet {@code sipfleet up} runs, in one JVM: dispatcher "dispatcher-1" on 127.0.0.10:5060
 * (UDP) in front of the switches "switch-1" (127.0.0.2:5060) and "switch-2" (127.0.0.3:5060,
 * both UDP and TCP), members of cluster "c1" sharing ONE in-memory {@link ClusterState}
 * (their snapshots say {@code "storeUri": "memory://up"}, a value only {@code up} accepts).
 * Phones use the domain sipfleet.local as registrar and the dispatcher as outbound proxy; the
 * dispatcher adds a Path (RFC 3327) to their REGISTERs, so calls for them come back through it.
 * The dispatcher spreads calls round-robin, so a call's authenticated INVITE usually reaches the
 * other switch than the one that challenged it: both switches get one nonce key, fresh per run.
 */
public final class Fleet implements AutoCloseable {
    /** The {@code storeUri} of {@code up}'s switches: the state is the fleet's shared in-memory instance. */
    public static final String MEMORY_STORE = "memory://up";
    static final String RESOURCES = "/io/sipfleet/app/up/";
    static final List<String> SWITCHES = List.of("switch-1.json", "switch-2.json");

    /** One row of the table {@code up} prints. */
    public record Row(String role, String id, String sip, String metrics) {}

    private final List<SwitchNode> switches = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final Path cdrDir;
    private DispatcherNode dispatcher;

    private Fleet(Path cdrDir) { this.cdrDir = cdrDir; }

    /**
     * Starts the fleet. {@code testMode}: metrics on free ports (0) and CDRs under
     * {@code cdrDir} instead of {@code .sipfleet/}, so a test can run next to a real {@code up}'s
     * metrics ports; the SIP addresses are the same.
     */
    public static Fleet start(boolean testMode, Path cdrDir) throws IOException {
        Fleet fleet = new Fleet(cdrDir);
        try {
            Files.createDirectories(cdrDir);
            ClusterState state = ClusterState.inMemory(Clock.systemUTC());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String nonceSecret = HexFormat.of().formatHex(key);
            for (String name : SWITCHES) {
                String json = resource(name).replace("\".sipfleet/", "\"" + jsonPath(cdrDir) + "/")
                        .replace("\"clusterId\":", "\"nonceSecret\": \"" + nonceSecret + "\",\n  \"clusterId\":");
                if (testMode) json = json.replaceAll("\"metricsPort\": \\d+", "\"metricsPort\": 0");
                SwitchConfig config = SwitchConfig.parse(json);
                SwitchNode node = SwitchNode.start(config, state, Clock.systemUTC());
                fleet.switches.add(node);
                var m = node.metricsServer().address();
                fleet.rows.add(new Row("switch", config.serverId(), sipOf(config) + " (udp, tcp)",
                        "http://" + m.getHostString() + ":" + m.getPort() + "/metrics"));
            }
            String djson = resource("dispatcher.json");
            if (testMode) djson = djson.replaceAll("\"metricsPort\": \\d+", "\"metricsPort\": 0");
            DispatcherConfig dc = DispatcherConfig.parse(djson);
            fleet.dispatcher = DispatcherNode.start(dc);
            var s = fleet.dispatcher.statusAddress();
            String base = "http://" + s.getHostString() + ":" + s.getPort();
            fleet.rows.add(0, new Row("dispatcher", dc.serverId(), "sip:" + dc.listen().get(0).address() + ":"
                    + dc.listen().get(0).port() + " (udp)", base + "/metrics (status: " + base + "/status)"));
        } catch (IOException | RuntimeException | io.sipfleet.switching.config.ConfigException
                 | io.sipfleet.dispatching.DispatcherConfigException e) {
            fleet.close();
            if (e instanceof IOException io) throw io;
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException("embedded fleet configuration is invalid: " + e.getMessage(), e);
        }
        return fleet;
    }

    private static String jsonPath(Path p) {
        return p.toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String sipOf(SwitchConfig c) {
        var l = c.listen().get(0);
        return "sip:" + l.address() + ":" + l.port();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = Fleet.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IOException("missing resource " + RESOURCES + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public List<Row> rows() { return List.copyOf(rows); }

    public DispatcherNode dispatcher() { return dispatcher; }

    public List<SwitchNode> switches() { return List.copyOf(switches); }

    /** What runs where, the demo users and how to point a softphone at the fleet. */
    public void describe(PrintWriter out) {
        out.printf("%-11s %-13s %-30s %s%n", "ROLE", "ID", "SIP", "METRICS");
        for (Row r : rows) out.printf("%-11s %-13s %-30s %s%n", r.role(), r.id(), r.sip(), r.metrics());
        out.println();
        out.println("cluster c1: switch-1 and switch-2 share one in-memory state (bindings, CPS, channels)");
        out.println("users: 1001 / secret1001, 1002 / secret1002, 1003 / secret1003 (realm sipfleet.local)");
        out.println("softphone: user 1001, password secret1001, domain/registrar sipfleet.local,");
        out.println("           outbound proxy 127.0.0.10:5060 (UDP); then call 1002");
        out.println("CDRs: " + cdrDir.resolve("cdr-switch-1.jsonl") + ", " + cdrDir.resolve("cdr-switch-2.jsonl"));
        out.println("Ctrl-C stops everything.");
        out.flush();
    }

    @Override public void close() {
        if (dispatcher != null) dispatcher.close();
        for (int i = switches.size() - 1; i >= 0; i--) {
            try {
                switches.get(i).close();
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
    }
}
