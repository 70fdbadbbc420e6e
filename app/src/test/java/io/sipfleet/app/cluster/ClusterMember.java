package io.sipfleet.app.cluster;

import io.sipfleet.cluster.RedisClusterState;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.ConfigException;
import io.sipfleet.switching.config.SwitchConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One member of a test cluster: a {@link SwitchNode} on {@code ip:5060} (UDP) with its own
 * {@link RedisClusterState} connection, the snapshot built as JSON (the form an operator writes),
 * its fellow members listed as {@code "serverId=sip:IP:5060"}.
 */
final class ClusterMember implements AutoCloseable {
    static final String REALM = "sipfleet.local";
    static final int PORT = 5060;
    static final String REDIS = "redis://127.0.0.1:6379";

    /** The snapshot of one member, field by field. */
    static final class Config {
        final String ip;
        final String clusterId;
        String storeUri = REDIS;
        int cpsLimit;
        int channelLimit;
        int keepAliveInterval = 30;
        int lostPingLimit = 3;
        boolean keepAliveDisabled;
        Duration leaseTtl = Duration.ofSeconds(90);
        String storeFailMode = "closed";
        int memberChannelLimit;
        String capacityFailoverMode = "redirect";
        final List<String> members = new ArrayList<>();
        final List<String> routes = new ArrayList<>();

        Config(String ip, String clusterId) {
            this.ip = ip;
            this.clusterId = clusterId;
        }

        /** The other members (their IPs, SIP on 5060); this one's own IP is skipped. */
        Config members(String... ips) {
            for (String m : ips) if (!m.equals(ip)) members.add(serverId(m) + "=sip:" + m + ":" + PORT);
            return this;
        }

        Config route(String name, String prefix, String gateway) {
            routes.add("{\"name\": \"" + name + "\", \"prefix\": \"" + prefix + "\", \"gateway\": \"" + gateway + "\"}");
            return this;
        }

        String json() {
            List<String> quoted = members.stream().map(m -> "\"" + m + "\"").toList();
            return """
                {
                  "version": 1,
                  "serverId": "%s",
                  "listen": [{"address": "%s", "port": %d, "transports": ["udp"]}],
                  "cpsLimit": %d,
                  "channelLimit": %d,
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
                  "metricsPort": 0,
                  "metricsAddress": "%s",
                  "authFailure": {"maxFailuresPerWindow": 1000, "windowSeconds": 60, "blockSeconds": 1},
                  "clusterId": "%s",
                  "storeUri": "%s",
                  "locationSharingPeers": [%s],
                  "digestAlgorithms": ["MD5", "SHA-256"],
                  "clustering": {"storeFailMode": "%s", "memberChannelLimit": %d, "capacityFailoverMode": "%s",
                                 "channelLeaseTtlSeconds": %d}
                }
                """.formatted(serverId(ip), ip, PORT, cpsLimit, channelLimit, keepAliveInterval, lostPingLimit,
                    keepAliveDisabled, REALM, String.join(", ", routes), ip, clusterId, storeUri,
                    String.join(", ", quoted), storeFailMode, memberChannelLimit, capacityFailoverMode,
                    leaseTtl.toSeconds());
        }

        SwitchConfig parse() {
            try {
                return SwitchConfig.parse(json());
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage() + "\n" + json(), e);
            }
        }
    }

    static String serverId(String ip) { return "m-" + ip.replace('.', '-'); }

    /** A cluster id no other test run uses. */
    static String randomClusterId() { return "t5-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12); }

    /** Whether Redis answers at host:port (tests are skipped when it does not). */
    static boolean redisUp(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Deletes every key of {@code clusterId} (sf:{clusterId}:*) from the test Redis. */
    static void purge(String clusterId) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS);
        try (var c = client.connect()) {
            var keys = c.sync().keys("sf:{" + clusterId + "}:*");
            if (!keys.isEmpty()) c.sync().del(keys.toArray(String[]::new));
        } catch (RuntimeException e) {
            // best effort: the keys expire with their bindings and leases
        } finally {
            client.shutdown();
        }
    }

    final String ip;
    final RedisClusterState redis;
    final SwitchNode node;
    private boolean closed;

    private ClusterMember(String ip, RedisClusterState redis, SwitchNode node) {
        this.ip = ip;
        this.redis = redis;
        this.node = node;
    }

    static ClusterMember start(Config config) {
        SwitchConfig c = config.parse();
        RedisClusterState redis = RedisClusterState.connect(config.storeUri, config.clusterId, config.leaseTtl);
        try {
            return new ClusterMember(config.ip, redis, SwitchNode.start(c, redis.state(), Clock.systemUTC()));
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    String serverId() { return serverId(ip); }

    /** GET /metrics of this member. */
    String scrape() {
        var a = node.metricsServer().address();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + a.getAddress().getHostAddress()
                + ":" + a.getPort() + "/metrics")).timeout(Duration.ofSeconds(5)).build();
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Channels in use in the cluster, as this member's call tracker counts them (the store's count). */
    int channelsInUse() { return node.calls().channelsInUse().toCompletableFuture().join(); }

    /**
     * A crash as the store sees it: the connection to Redis goes first, so nothing this member
     * holds is released (its channel leases stay until they expire), then the node stops.
     */
    void crash() {
        if (closed) return;
        closed = true;
        redis.close();
        node.close();
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        node.close();
        redis.close();
    }

    /** An injection line: user;[authentication ...] (SIPp's digest credentials for {@code user}). */
    static String credentials(String user) {
        return user + ";[authentication username=" + user + " password=secret" + user + "]";
    }
}
