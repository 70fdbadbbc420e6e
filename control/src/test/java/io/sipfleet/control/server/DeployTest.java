package io.sipfleet.control.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.control.DatabaseTest;
import io.sipfleet.control.Databases;
import io.sipfleet.control.Fixtures;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.account.Signup;
import io.sipfleet.control.cluster.ClusterService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeployTest extends DatabaseTest {

    private static final DeployRequest SWITCH_US = new DeployRequest("switch", "us-east", null);

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void refusedUntilTheChecklistIsComplete(Databases.Db db) {
        AccountService accounts = Fixtures.accounts(db, clock);
        long id = accounts.signup("Acme", email()).accountId();
        accounts.topUp(id, 100_00);
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());

        assertThatThrownBy(() -> servers.deploy(id, SWITCH_US))
                .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("checklist")
                .hasMessageContaining("contact_details, terms_accepted");
        assertThat(servers.list(id)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void eachServerNeedsTwentyDollarsMoreOnTheBalance(Databases.Db db) {
        AccountService accounts = Fixtures.accounts(db, clock);
        long id = Fixtures.readyAccount(accounts, 39_99, email()).accountId();
        InMemoryProvisioner provisioner = new InMemoryProvisioner();
        ServerService servers = new ServerService(db.db(), clock, provisioner);

        Server first = servers.deploy(id, SWITCH_US);
        assertThat(first.status()).isEqualTo(Server.RUNNING);
        assertThat(provisioner.installed()).extracting(Server::id).containsExactly(first.id());
        assertThat(first.expiresAt()).isEqualTo(clock.instant().plus(ServerService.TEST_PERIOD));

        // $39.99 < $20 x (1 + 1): refused with the amount to top up.
        assertThatThrownBy(() -> servers.deploy(id, SWITCH_US))
                .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.status()).isEqualTo(402))
                .hasMessageContaining("$39.99").hasMessageContaining("$40.00").hasMessageContaining("top up at least $0.01");

        accounts.topUp(id, 1);
        assertThat(servers.deploy(id, new DeployRequest("dispatcher", "eu-west", null)).zoneId()).isEqualTo("eu-west");
        assertThat(servers.list(id)).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoConcurrentDeploysTheBalanceAllowsOnceExactlyOneSucceeds(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        for (int round = 0; round < 5; round++) {
            long id = Fixtures.readyAccount(accounts, 20_00, email()).accountId();
            ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<String> deploy = () -> {
                start.await();
                try {
                    return "ok " + servers.deploy(id, SWITCH_US).address();
                } catch (RefusedException e) {
                    return "refused " + e.status();
                }
            };
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<String>> results = List.of(pool.submit(deploy), pool.submit(deploy));
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : results) {
                    outcomes.add(f.get());
                }
                assertThat(outcomes).filteredOn(o -> o.startsWith("ok")).hasSize(1);
                assertThat(outcomes).filteredOn(o -> o.equals("refused 402")).hasSize(1);
                assertThat(servers.list(id)).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void addressesAreLoopbackFromDotTwoAndUniqueAcrossAccounts(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        // Two accounts deploying at once race for the same next address: the unique key + retry settles it.
        List<Signup> owners = List.of(Fixtures.readyAccount(accounts, 100_00, email()),
                Fixtures.readyAccount(accounts, 100_00, email()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<String>>> futures = new ArrayList<>();
        for (Signup owner : owners) {
            futures.add(pool.submit(() -> {
                List<String> mine = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    mine.add(servers.deploy(owner.accountId(), SWITCH_US).address());
                }
                return mine;
            }));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertThat(new HashSet<>(all)).hasSize(6);
        assertThat(all).allMatch(a -> a.matches("127\\.0\\.0\\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void badTypeZoneOrForeignClusterAreRefusedBeforeAnythingIsSaved(Databases.Db db) {
        AccountService accounts = Fixtures.accounts(db, clock);
        long a = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        long b = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        long clusterOfB = new ClusterService(db.db(), clock).create(b, "prod").id();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());

        assertThatThrownBy(() -> servers.deploy(a, new DeployRequest("router", "us-east", null)))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("type:");
        assertThatThrownBy(() -> servers.deploy(a, new DeployRequest("switch", "mars-1", null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("us-east").hasMessageStartingWith("zone:");
        assertThatThrownBy(() -> servers.deploy(a, new DeployRequest("switch", "us-east", clusterOfB)))
                .isInstanceOf(NotFoundException.class);
        assertThat(servers.list(a)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void withoutAnEngineTheServerStaysDeployingAndAFailingEngineMarksItFailed(Databases.Db db) {
        AccountService accounts = Fixtures.accounts(db, clock);
        long id = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        assertThat(new ServerService(db.db(), clock, Provisioner.NONE).deploy(id, SWITCH_US).status())
                .isEqualTo(Server.DEPLOYING);
        Provisioner broken = (server, sink) -> {
            throw new IllegalStateException("agent unreachable");
        };
        assertThat(new ServerService(db.db(), clock, broken).deploy(id, SWITCH_US).status()).isEqualTo(Server.FAILED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void clusterAssignedAtDeployOrLater(Databases.Db db) {
        AccountService accounts = Fixtures.accounts(db, clock);
        long id = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        ClusterService clusters = new ClusterService(db.db(), clock);
        long c = clusters.create(id, "edge").id();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());

        Server s1 = servers.deploy(id, new DeployRequest("switch", "us-east", c));
        Server s2 = servers.deploy(id, SWITCH_US);
        assertThat(s2.clusterId()).isNull();
        Server moved = servers.assignCluster(id, s2.id(), c);
        assertThat(moved.clusterId()).isEqualTo(c);
        assertThat(moved.configVersion()).isEqualTo(s2.configVersion() + 1);
        assertThat(clusters.members(id, c)).containsExactly(s1.id(), s2.id());
        assertThat(servers.assignCluster(id, s1.id(), null).clusterId()).isNull();
        assertThatThrownBy(() -> clusters.create(id, "edge")).isInstanceOf(RefusedException.class);
        assertThatThrownBy(() -> clusters.create(id, "bad name!")).hasMessageStartingWith("name:");
    }
}
