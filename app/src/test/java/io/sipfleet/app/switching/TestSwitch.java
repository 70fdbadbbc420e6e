package io.sipfleet.app.switching;

import io.sipfleet.cluster.ClusterState;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.ConfigException;
import io.sipfleet.switching.config.SwitchConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A switch for one test class: a configuration snapshot built as JSON text (the same form an
 * operator writes), started in process with {@link SwitchNode#start}, SIP on {@code ip:5060}
 * (UDP), metrics on {@code ip} with a free port.
 */
public final class TestSwitch implements AutoCloseable {
    static final String REALM = "sipfleet.local";
    public static final int PORT = 5060;

    /** The snapshot's JSON, field by field; defaults fit the SIPp tests (MD5 challenges only). */
    public static final class Config {
        final String ip;
        long version = 1;
        public int cpsLimit;
        public int channelLimit;
        public String capacityFailover;
        int keepAliveInterval = 30;
        int lostPingLimit = 3;
        boolean keepAliveDisabled;
        int maxFailuresPerWindow = 10;
        int windowSeconds = 60;
        int blockSeconds = 600;
        int sessionTimeoutSeconds = 7200;
        final List<String> routes = new ArrayList<>();
        public final List<String> dispatchers = new ArrayList<>();
        public boolean restrictDirect;
        /** The digest nonce key (hex), shared by switches behind a round-robin dispatcher; null = random. */
        public String nonceSecret;
        /** Fixed metrics port (a switch run as its own process); 0 = free port. */
        public int metricsPort;
        public String serviceState = "active";
        /** Digest algorithms challenged, in order (JSON array text). */
        public String digestAlgorithms = "[\"MD5\", \"SHA-256\"]";
        final List<String> upstream = new ArrayList<>();

        public Config(String ip) { this.ip = ip; }

        /** A carrier route: calls to numbers starting with {@code prefix} go to {@code gateway}. */
        public Config route(String name, String prefix, String gateway) {
            routes.add("{\"name\": \"" + name + "\", \"prefix\": \"" + prefix + "\", \"gateway\": \"" + gateway + "\"}");
            return this;
        }

        /** An upstream registration of this switch to {@code registrar} (the brief's UAC auth). */
        public Config upstream(String registrar, String username, String password, int expiresSeconds, int retrySeconds) {
            upstream.add("{\"registrar\": \"" + registrar + "\", \"username\": \"" + username + "\", \"password\": \""
                    + password + "\", \"expiresSeconds\": " + expiresSeconds + ", \"retrySeconds\": " + retrySeconds + "}");
            return this;
        }

        /** The snapshot as JSON text (e.g. the config file of a switch run as its own process). */
        public String json() {
            return """
                {
                  "version": %d,
                  "serverId": "test-%s",
                  "listen": [{"address": "%s", "port": %d, "transports": ["udp"]}],
                  "cpsLimit": %d,
                  "channelLimit": %d,
                  "capacityFailover": %s,
                  "keepAlive": {"mode": "options", "intervalSeconds": %d, "lostPingLimit": %d, "disabled": %s},
                  "realm": "%s",
                  "sipUsers": [
                    {"aor": "sip:1001@sipfleet.local", "authUser": "1001",
                     "ha1Md5": "326f7c03ada9d6824cff52a84f255dcb",
                     "ha1Sha256": "4ca6f4eb35231c3c656c28a5ae50a61135c42ad2a847c9511c5c24fa877713fd"},
                    {"aor": "sip:1002@sipfleet.local", "authUser": "1002",
                     "ha1Md5": "0760cd4479320008756a2f709bcabb8e",
                     "ha1Sha256": "0b40ddbc017a6ab218f40d6efd28f4176b5ee1863a90a2a9379de404e0372e8c"},
                    {"aor": "sip:1003@sipfleet.local", "authUser": "1003",
                     "ha1Md5": "e9c1ddfda31a4f228aae7bcad2b12a5d",
                     "ha1Sha256": "1fe00e798dbab74033ef44d44b8a64c50268ba4d3db1b4a86b8674d0039325d3"}
                  ],
                  "carrierRoutes": [%s],
                  "metricsPort": %d,
                  "metricsAddress": "%s",
                  "sessionTimeoutSeconds": %d,
                  "authFailure": {"maxFailuresPerWindow": %d, "windowSeconds": %d, "blockSeconds": %d},
                  "digestAlgorithms": %s,
                  "dispatchers": [%s],
                  "restrictDirect": %s,
                  "nonceSecret": %s,
                  "serviceState": "%s",
                  "upstreamRegistrations": [%s]
                }
                """.formatted(version, ip.replace('.', '-'), ip, PORT, cpsLimit, channelLimit,
                    capacityFailover == null ? "null" : "\"" + capacityFailover + "\"", keepAliveInterval,
                    lostPingLimit, keepAliveDisabled, REALM, String.join(", ", routes), metricsPort, ip, sessionTimeoutSeconds,
                    maxFailuresPerWindow, windowSeconds, blockSeconds, digestAlgorithms,
                    String.join(", ", dispatchers.stream().map(d -> "\"" + d + "\"").toList()), restrictDirect,
                    nonceSecret == null ? "null" : "\"" + nonceSecret + "\"", serviceState, String.join(", ", upstream));
        }

        /** The snapshot with the next version (a reload). */
        public SwitchConfig next() {
            version++;
            return parse();
        }

        SwitchConfig parse() {
            try {
                return SwitchConfig.parse(json());
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage() + "\n" + json(), e);
            }
        }
    }

    final String ip;
    public final SwitchNode node;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TestSwitch(String ip, SwitchNode node) {
        this.ip = ip;
        this.node = node;
    }

    public static TestSwitch start(Config config) {
        SwitchConfig c = config.parse();
        Clock clock = Clock.systemUTC();
        return new TestSwitch(config.ip, SwitchNode.start(c, ClusterState.inMemory(clock), clock));
    }

    /** GET /metrics. */
    public String scrape() {
        var a = node.metricsServer().address();
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort()
                + "/metrics")).timeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) throw new AssertionError("/metrics: " + response.statusCode());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The value of the first series of {@code name} whose labels contain every {@code labels}
     * fragment (e.g. {@code result="admitted"}), or NaN when there is none.
     */
    public double metric(String name, String... labels) {
        return metricIn(scrape(), name, labels);
    }

    public static double metricIn(String text, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        outer:
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            for (String want : labels) if (!l.contains(want)) continue outer;
            return Double.parseDouble(m.group(2));
        }
        return Double.NaN;
    }

    /**
     * An injection line: user;[authentication ...]. SIPp's digest uri is {@code -auth_uri} (it
     * prefixes "sip:"), which must equal the Request-URI: the switch checks it (RFC 7616 3.4.6).
     */
    static String credentials(String user) {
        return user + ";[authentication username=" + user + " password=secret" + user + "]";
    }

    /** Registers {@code user} (password secret{user}) with SIPp from {@code sippIp:port}, Contact the same. */
    void register(java.nio.file.Path dir, String user, String sippIp, int port) {
        register(dir, user, sippIp, port, sippIp + ":" + port);
    }

    /**
     * Registers {@code user} from {@code sippIp:port} with Contact {@code sip:user@contact}
     * (the NAT test names a private address there). Asserts the 200.
     */
    void register(java.nio.file.Path dir, String user, String sippIp, int port, String contact) {
        Sipp.scenario("register").local(sippIp, port).remote(ip, PORT).calls(1).timeout(10)
                .arg("-auth_uri", REALM).injection("SEQUENTIAL", credentials(user) + ";" + contact)
                .run(dir, "register-" + user + "-" + port).assertClean(1);
    }

    /** Channels in use now, as the call tracker counts them. */
    public int channelsInUse() {
        return node.calls().channelsInUse().toCompletableFuture().join();
    }

    /** Bindings of {@code aor} in the location table. */
    int bindings(String aor) {
        return node.state().location().lookup(aor).toCompletableFuture().join().size();
    }

    @Override public void close() { node.close(); }
}
