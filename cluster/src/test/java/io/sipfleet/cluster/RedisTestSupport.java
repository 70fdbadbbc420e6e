package io.sipfleet.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.sipfleet.cluster.redis.RedisKeys;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real Redis the Redis tests run against ({@code redis://127.0.0.1:6379}, or
 * {@code -Dsipfleet.test.redis=redis://host:port}), with connections configured like
 * {@link RedisClusterState}'s. Each test class takes its own random cluster id, so classes never
 * see each other's keys, and deletes its keyspace when done. Tests are skipped (an assumption, not
 * a failure) only when nothing answers on the Redis port; CI starts Redis.
 */
public final class RedisTestSupport implements AutoCloseable {
    public static final String URI = System.getProperty("sipfleet.test.redis", "redis://127.0.0.1:6379");

    private final ClientResources resources = RedisClusterState.clientResources();
    private final RedisClient client;
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
    private final StatefulRedisConnection<String, String> admin;

    private RedisTestSupport() {
        RedisURI uri = RedisURI.create(URI);
        uri.setTimeout(RedisClusterState.COMMAND_TIMEOUT);
        client = RedisClient.create(resources, uri);
        client.setOptions(RedisClusterState.clientOptions());
        admin = client.connect(StringCodec.UTF8);
        admin.setTimeout(Duration.ofSeconds(5));
    }

    /** Skips the calling test unless Redis answers; then a client for it. */
    public static RedisTestSupport open() {
        assumeRedis();
        return new RedisTestSupport();
    }

    public static void assumeRedis() {
        RedisURI uri = RedisURI.create(URI);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 500);
        } catch (IOException e) {
            Assumptions.abort("no Redis at " + URI + " (" + e.getMessage() + "): Redis tests skipped");
        }
    }

    /** A cluster id nobody else uses: {@code test-<what>-<random>}. */
    public static String newClusterId(String what) {
        return "test-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A new connection (its own TCP connection, as another switch would have). */
    public RedisAsyncCommands<String, String> newConnection() {
        StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
        connections.add(c);
        return c.async();
    }

    /** Blocking commands with a generous timeout, for the tests' own checks. */
    public RedisCommands<String, String> sync() { return admin.sync(); }

    /** Every key of the cluster's keyspace. */
    public List<String> keys(String clusterId) {
        List<String> out = new ArrayList<>();
        ScanArgs match = ScanArgs.Builder.matches(new RedisKeys(clusterId).pattern()).limit(1000);
        KeyScanCursor<String> cursor = sync().scan(match);
        while (true) {
            out.addAll(cursor.getKeys());
            if (cursor.isFinished()) return out;
            cursor = sync().scan(ScanCursor.of(cursor.getCursor()), match);
        }
    }

    /** Deletes the cluster's keyspace. */
    public void deleteCluster(String clusterId) {
        List<String> keys = keys(clusterId);
        for (int i = 0; i < keys.size(); i += 500) {
            sync().del(keys.subList(i, Math.min(keys.size(), i + 500)).toArray(String[]::new));
        }
    }

    @Override
    public void close() {
        for (var c : connections) c.close();
        admin.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
