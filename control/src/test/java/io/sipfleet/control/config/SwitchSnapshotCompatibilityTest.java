package io.sipfleet.control.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.control.DatabaseTest;
import io.sipfleet.control.Databases;
import io.sipfleet.control.Fixtures;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.cluster.ClusterService;
import io.sipfleet.control.cluster.Clustering;
import io.sipfleet.control.route.RouteService;
import io.sipfleet.control.server.DeployRequest;
import io.sipfleet.control.server.InMemoryProvisioner;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerService;
import io.sipfleet.control.sipuser.SipUserService;
import io.sipfleet.switching.config.Clustering.CapacityFailoverMode;
import io.sipfleet.switching.config.Clustering.StoreFailMode;
import io.sipfleet.switching.config.SwitchConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The snapshot control writes is one the switch's own parser accepts, field for field. */
class SwitchSnapshotCompatibilityTest extends DatabaseTest {

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void switchParsesTheSnapshotAndEveryChangeBumpsTheVersion(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        long id = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        SnapshotService snapshots = new SnapshotService(db.db(), SnapshotService.DEFAULT_CLUSTER_STORE);
        Server sw = servers.deploy(id, new DeployRequest("switch", "us-east", null));

        SwitchConfig empty = SwitchConfig.parse(snapshots.snapshot(id, sw.id()).json());
        assertThat(empty.serverId()).isEqualTo("switch-" + sw.id());
        assertThat(empty.listen().get(0).address()).isEqualTo(sw.address());
        assertThat(empty.sipUsers()).isEmpty();
        long v0 = empty.version();

        new SipUserService(db.db(), clock).create(id, "1001", "pass1001");
        SwitchConfig withUser = SwitchConfig.parse(snapshots.snapshot(id, sw.id()).json());
        assertThat(withUser.version()).isGreaterThan(v0);
        String realm = accounts.account(id).sipRealm();
        assertThat(withUser.realm()).isEqualTo(realm);
        assertThat(withUser.sipUsers()).singleElement().satisfies(u -> {
            assertThat(u.aor()).isEqualTo("sip:1001@" + realm);
            assertThat(u.authUser()).isEqualTo("1001");
            assertThat(u.ha1Md5()).isEqualTo(md5("1001:" + realm + ":pass1001"));
        });

        new RouteService(db.db()).create(id, "out", "9", "sip:127.0.0.9:5060", 5);
        SwitchConfig withRoute = SwitchConfig.parse(snapshots.snapshot(id, sw.id()).json());
        assertThat(withRoute.version()).isGreaterThan(withUser.version());
        assertThat(withRoute.carrierRoutes()).singleElement().satisfies(r -> {
            assertThat(r.prefix()).isEqualTo("9");
            assertThat(r.gateway()).isEqualTo("sip:127.0.0.9:5060");
            assertThat(r.cpsLimit()).isEqualTo(5);
        });

        long cluster = new ClusterService(db.db(), clock).create(id, "edge").id();
        servers.assignCluster(id, sw.id(), cluster);
        Snapshot clustered = snapshots.snapshot(id, sw.id());
        SwitchConfig inCluster = SwitchConfig.parse(clustered.json());
        assertThat(inCluster.clusterId()).isEqualTo("cluster-" + cluster);
        assertThat(inCluster.storeUri()).isEqualTo(SnapshotService.DEFAULT_CLUSTER_STORE);
        assertThat(inCluster.version()).isGreaterThan(withRoute.version()).isEqualTo(clustered.version());

        // Reading again without a change gives the same version and the same bytes.
        assertThat(snapshots.snapshot(id, sw.id())).isEqualTo(clustered);
        assertThat(inCluster.nonceSecret()).as("no key without the control plane's secrets").isNull();

        // With the control plane's key: every member of the cluster gets the same nonce key, a
        // standalone switch none (its own random one).
        io.sipfleet.control.secret.Secrets secrets = io.sipfleet.control.secret.Secrets.ephemeral();
        SnapshotService keyed = new SnapshotService(db.db(), SnapshotService.DEFAULT_CLUSTER_STORE, secrets);
        Server other = servers.deploy(id, new DeployRequest("switch", "us-east", null));
        servers.assignCluster(id, other.id(), cluster);
        Server alone = servers.deploy(id, new DeployRequest("switch", "us-east", null));
        String key = SwitchConfig.parse(keyed.snapshot(id, sw.id()).json()).nonceSecret();
        assertThat(key).hasSize(64);
        assertThat(SwitchConfig.parse(keyed.snapshot(id, other.id()).json()).nonceSecret()).isEqualTo(key);
        assertThat(SwitchConfig.parse(keyed.snapshot(id, alone.id()).json()).nonceSecret()).isNull();
    }

    /**
     * Every member's snapshot carries its cluster's clustering block, as set, and parses into the
     * switch's Clustering; a change reaches each member with a new version; an un-clustered switch
     * gets no block (the switch's defaults, which it ignores without a clusterId anyway).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void membersCarryTheirClustersClusteringBlockAndStandaloneSwitchesNone(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        long id = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        SnapshotService snapshots = new SnapshotService(db.db(), SnapshotService.DEFAULT_CLUSTER_STORE);
        ClusterService clusters = new ClusterService(db.db(), clock);
        long edge = clusters.create(id, "edge", new Clustering.Change("open", 2, "forward", 12), Set.of()).id();
        long plain = clusters.create(id, "plain").id();
        Server a = servers.deploy(id, new DeployRequest("switch", "us-east", edge));
        Server b = servers.deploy(id, new DeployRequest("switch", "us-east", edge));
        Server c = servers.deploy(id, new DeployRequest("switch", "us-east", plain));
        Server alone = servers.deploy(id, new DeployRequest("switch", "us-east", null));

        io.sipfleet.switching.config.Clustering set = new io.sipfleet.switching.config.Clustering(
                StoreFailMode.OPEN, 2, CapacityFailoverMode.FORWARD, 12);
        for (Server member : List.of(a, b)) {
            String json = snapshots.snapshot(id, member.id()).json();
            assertThat(JSON.readTree(json).get("clustering").toString()).isEqualTo("{\"storeFailMode\":\"open\","
                    + "\"memberChannelLimit\":2,\"capacityFailoverMode\":\"forward\",\"channelLeaseTtlSeconds\":12}");
            assertThat(SwitchConfig.parse(json).clustering()).isEqualTo(set);
        }
        String defaults = snapshots.snapshot(id, c.id()).json();
        assertThat(JSON.readTree(defaults).has("clustering")).as("written even when all defaults").isTrue();
        assertThat(SwitchConfig.parse(defaults).clustering()).isEqualTo(new io.sipfleet.switching.config.Clustering(
                StoreFailMode.CLOSED, 0, CapacityFailoverMode.REDIRECT, 90));
        Snapshot standalone = snapshots.snapshot(id, alone.id());
        assertThat(JSON.readTree(standalone.json()).has("clustering")).isFalse();
        assertThat(SwitchConfig.parse(standalone.json()).clusterId()).isNull();

        long versionA = snapshots.snapshot(id, a.id()).version();
        long versionC = snapshots.snapshot(id, c.id()).version();
        clusters.update(id, edge, null, new Clustering.Change("closed", null, null, null), Set.of());
        Snapshot changed = snapshots.snapshot(id, a.id());
        assertThat(changed.version()).isGreaterThan(versionA);
        assertThat(SwitchConfig.parse(changed.json()).clustering())
                .isEqualTo(new io.sipfleet.switching.config.Clustering(StoreFailMode.CLOSED, 2, CapacityFailoverMode.FORWARD, 12));
        assertThat(SwitchConfig.parse(snapshots.snapshot(id, b.id()).json()).clustering().storeFailMode())
                .isEqualTo(StoreFailMode.CLOSED);
        assertThat(snapshots.snapshot(id, c.id()).version()).as("another cluster's member").isEqualTo(versionC);
        assertThat(snapshots.snapshot(id, alone.id())).as("not a member: same version, same bytes").isEqualTo(standalone);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void dispatcherHasNoSnapshotYet(Databases.Db db) {
        AccountService accounts = Fixtures.accounts(db, clock);
        long id = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        Server d = new ServerService(db.db(), clock, new InMemoryProvisioner())
                .deploy(id, new DeployRequest("dispatcher", "us-east", null));
        assertThatThrownBy(() -> new SnapshotService(db.db(), SnapshotService.DEFAULT_CLUSTER_STORE).snapshot(id, d.id()))
                .isInstanceOf(RefusedException.class).hasMessageContaining("dispatcher");
    }

    private static String md5(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
