package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link LocationStoreContract} against real Redis: the Lua script must give every answer the
 * in-memory store gives. The scripts run on the test's clock here (the package-private seam that
 * replaces Redis TIME), so expiries are stepped through exactly; {@link RedisLocationStoreSharingTest}
 * covers Redis TIME itself.
 */
class RedisLocationStoreTest extends LocationStoreContract {
    static final String CLUSTER = RedisTestSupport.newClusterId("location");
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
    LocationStore newStore(MutableClock clock) {
        redis.deleteCluster(CLUSTER);
        return new RedisLocationStore(redis.newConnection(), CLUSTER, clock::millis);
    }

    @Override
    int heldAors() {
        String aorKeys = "sf:{" + CLUSTER + "}:aor:";
        return (int) redis.keys(CLUSTER).stream().filter(k -> k.startsWith(aorKeys)).count();
    }
}
