package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link LocationStoreConcurrencyContract} on Redis: every thread is a switch with its own store
 * and connection, so the REGISTER scripts of different connections interleave on the server and
 * each removal must be reported by exactly one of them.
 */
class RedisLocationStoreConcurrencyTest extends LocationStoreConcurrencyContract {
    static final String CLUSTER = RedisTestSupport.newClusterId("location-conc");
    static RedisTestSupport redis;

    @BeforeAll
    static void connect() { redis = RedisTestSupport.open(); }

    @AfterAll
    static void disconnect() {
        if (redis == null) return;
        redis.deleteCluster(CLUSTER);
        redis.close();
    }

    @Override
    List<LocationStore> stores(MutableClock clock, int n) {
        redis.deleteCluster(CLUSTER);
        List<LocationStore> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new RedisLocationStore(redis.newConnection(), CLUSTER, clock::millis));
        return out;
    }

    @Override
    int opsPerThread() { return 1_000; }

    @Override
    int heldAors() {
        String aorKeys = "sf:{" + CLUSTER + "}:aor:";
        return (int) redis.keys(CLUSTER).stream().filter(k -> k.startsWith(aorKeys)).count();
    }
}
