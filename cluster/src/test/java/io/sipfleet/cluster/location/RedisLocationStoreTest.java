package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static io.sipfleet.cluster.location.Registers.*;
import static org.assertj.core.api.Assertions.assertThat;

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

    /**
     * Bindings written by the previous release (packed format 1) stay in Redis across an upgrade:
     * every script reads them (lookup, the REGISTER's Call-ID/CSeq and instance checks, the owner
     * index, sweeps), and a refresh rewrites them in the current format.
     */
    @Test
    void bindingsStoredInTheEarlierFormatStillWork() {
        String prefix = "sf:{" + CLUSTER + "}:";
        var sync = redis.sync();
        Consumer<String[]> putV1 = f -> {      // contact, expiresAt, callId, cseq, instance-or-null
            String inst = f[4] == null ? "-" : f[4].length() + ":" + f[4];
            String regId = f[4] == null ? "2:-1" : "1:1";
            String packed = "1;" + f[1].length() + ":" + f[1] + "13:" + T0 + "2:-1" + f[2].length() + ":" + f[2]
                    + f[3].length() + ":" + f[3] + inst + regId + MEMBER.length() + ":" + MEMBER + "3:UDP11:203.0.113.75:40123"
                    + "8:10.0.0.14:5060--";
            String entry = AOR.length() + ":" + AOR + f[0];
            sync.hset(prefix + "aor:" + AOR, f[0], packed);
            sync.zadd(prefix + "exp", Double.parseDouble(f[1]), entry);
            sync.sadd(prefix + "own:" + MEMBER, entry);
        };
        putV1.accept(new String[] {"sip:alice@192.0.2.1", Long.toString(T0 + 60_000), "cid-old", "7", null});
        putV1.accept(new String[] {"sip:alice@192.0.2.2;ob", Long.toString(T0 + 10_000), "cid-ob", "1", "<urn:uuid:1>"});

        assertThat(contacts()).containsExactlyInAnyOrder("sip:alice@192.0.2.1", "sip:alice@192.0.2.2;ob");
        Binding old = get(store.lookup(AOR)).stream().filter(b -> b.instanceId() == null).findFirst().orElseThrow();
        assertThat(old.callId()).isEqualTo("cid-old");
        assertThat(old.cseq()).isEqualTo(7);
        assertThat(old.expiresAtMillis()).isEqualTo(T0 + 60_000);

        // The stored CSeq of the same Call-ID still orders the REGISTERs (RFC 3261 10.3 step 7).
        assertThat(register(req("cid-old", 6, T0, c("sip:alice@192.0.2.1", 120))).status())
                .isEqualTo(RegistrationResult.Status.OUT_OF_ORDER);
        assertThat(register(req("cid-old", 7, T0, c("sip:alice@192.0.2.1", 120))).status())
                .isEqualTo(RegistrationResult.Status.REPEATED);
        RegistrationResult refreshed = register(req("cid-old", 8, T0, c("sip:alice@192.0.2.1", 120)));
        assertThat(refreshed.refreshed()).extracting(Binding::contact).containsExactly("sip:alice@192.0.2.1");
        assertThat(sync.hget(prefix + "aor:" + AOR, "sip:alice@192.0.2.1")).startsWith("2;" + (T0 + 120_000) + ";");

        // Its +sip.instance and reg-id still identify the outbound flow (RFC 5626): a new contact replaces it.
        RegistrationResult replaced = register(req("cid-new", 1, T0, ci("sip:alice@192.0.2.3;ob", 60, "<urn:uuid:1>", 1)));
        assertThat(replaced.removed()).extracting(Binding::contact).containsExactly("sip:alice@192.0.2.2;ob");
        assertThat(events).contains("REPLACED sip:alice@192.0.2.2;ob");

        // Expiry and sweeps: a v1 binding that expires is swept and its index entries go with it.
        putV1.accept(new String[] {"sip:alice@192.0.2.4", Long.toString(T0 + 1_000), "cid-4", "1", null});
        clock.advance(2_000);
        assertThat(get(store.sweep())).isEqualTo(1);
        assertThat(events).contains("EXPIRED sip:alice@192.0.2.4");
        List<String> owned = new java.util.ArrayList<>();
        get(store.forEachOwnedBy(MEMBER, b -> owned.add(b.contact())));
        assertThat(owned).containsExactlyInAnyOrder("sip:alice@192.0.2.1", "sip:alice@192.0.2.3;ob");
    }
}
