package io.sipfleet.control.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.control.DatabaseTest;
import io.sipfleet.control.Databases;
import io.sipfleet.control.Fixtures;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.account.LedgerEntry;
import io.sipfleet.control.config.SnapshotService;
import io.sipfleet.control.server.DeployRequest;
import io.sipfleet.control.server.InMemoryProvisioner;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerService;
import io.sipfleet.switching.config.SwitchConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Expiry at the end of the test period, daily charges, suspension and reactivation, on a hand-moved clock. */
class BillingTest extends DatabaseTest {

    private static final DeployRequest SWITCH = new DeployRequest("switch", "us-east", null);

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theTestPeriodEndsInExpiryWhichStopsCallsUntilReactivatedWithEnoughBalance(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        long account = Fixtures.readyAccount(accounts, 20_00, email()).accountId();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        BillingService billing = new BillingService(db.db(), clock);
        SnapshotService snapshots = new SnapshotService(db.db(), SnapshotService.DEFAULT_CLUSTER_STORE);
        Server sw = servers.deploy(account, SWITCH);
        long v0 = sw.configVersion();

        clock.advance(Duration.ofDays(13));
        assertThat(billing.run().expired()).doesNotContain(sw.id());
        assertThat(servers.get(account, sw.id()).effectiveStatus()).isEqualTo("running");
        assertThat(accounts.balanceCents(account)).as("the test period is free").isEqualTo(20_00);

        clock.advance(Duration.ofDays(1));
        assertThat(billing.run().expired()).contains(sw.id());
        Server expired = servers.get(account, sw.id());
        assertThat(expired.effectiveStatus()).isEqualTo("expired");
        assertThat(expired.status()).as("the runtime status is not billing's to change").isEqualTo("running");
        assertThat(expired.configVersion()).isGreaterThan(v0);
        assertThat(SwitchConfig.parse(snapshots.snapshot(account, sw.id()).json()).serviceState()).isEqualTo("expired");
        assertThat(billing.run().expired()).as("expires once").doesNotContain(sw.id());

        // Reactivation needs $20 x (1 + other active servers) on the balance.
        AccountService spend = accounts;
        db.db().jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO ledger_entry (account_id, kind, amount_cents, note, created_at)
                VALUES (:a, 'refund', -1001, 'test: take money out', :now)""").bind("a", account)
                .bind("now", clock.instant()).execute());
        assertThat(spend.balanceCents(account)).isEqualTo(9_99);
        assertThatThrownBy(() -> billing.reactivate(account, sw.id()))
                .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.status()).isEqualTo(402))
                .hasMessageContaining("balance is $9.99 but $20.00 is needed").hasMessageContaining("top up at least $10.01");
        assertThat(servers.get(account, sw.id()).effectiveStatus()).isEqualTo("expired");

        accounts.topUp(account, 10_01);
        Server back = billing.reactivate(account, sw.id());
        assertThat(back.effectiveStatus()).isEqualTo("running");
        assertThat(back.plan()).isEqualTo("paid");
        assertThat(back.expiresAt()).isEqualTo(clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate()
                .plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        assertThat(accounts.balanceCents(account)).as("today's charge taken at once").isEqualTo(19_00);
        assertThat(SwitchConfig.parse(snapshots.snapshot(account, sw.id()).json()).serviceState()).isEqualTo("active");
        assertThatThrownBy(() -> billing.reactivate(account, sw.id()))
                .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void paidServersAreChargedOncePerDayAndSuspendedWhenTheBalanceRunsOut(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        long account = Fixtures.readyAccount(accounts, 60_00, email()).accountId();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        BillingService billing = new BillingService(db.db(), clock);
        Server a = servers.deploy(account, SWITCH);
        Server b = servers.deploy(account, SWITCH);
        clock.advance(Duration.ofDays(15));
        assertThat(mine(billing.run().expired(), a, b)).containsExactlyInAnyOrder(a.id(), b.id());
        billing.reactivate(account, a.id());     // needs $20: $60 - $1 = $59
        billing.reactivate(account, b.id());     // needs $20 x (1 + 1): $59 - $1 = $58
        assertThat(servers.get(account, b.id()).effectiveStatus()).isEqualTo("running");
        assertThat(accounts.balanceCents(account)).isEqualTo(58_00);

        // Idempotent: the same day is charged once however often the job runs.
        for (int i = 0; i < 3; i++) {
            assertThat(mine(billing.run().charged(), a, b)).isEmpty();
        }
        assertThat(accounts.balanceCents(account)).isEqualTo(58_00);
        clock.advance(Duration.ofDays(1));
        assertThat(mine(billing.run().charged(), a, b)).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(mine(billing.run().charged(), a, b)).isEmpty();
        assertThat(accounts.balanceCents(account)).isEqualTo(56_00);
        List<LedgerEntry> charges = accounts.ledger(account).stream()
                .filter(e -> e.kind().equals(LedgerEntry.SERVER_CHARGE)).toList();
        assertThat(charges).hasSize(4).allSatisfy(e -> assertThat(e.amountCents()).isEqualTo(-BillingService.DAILY_CHARGE_CENTS));

        // Run the balance down to less than a day of two servers.
        db.db().jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO ledger_entry (account_id, kind, amount_cents, note, created_at)
                VALUES (:a, 'refund', -5450, 'test: take money out', :now)""").bind("a", account)
                .bind("now", clock.instant()).execute());
        assertThat(accounts.balanceCents(account)).isEqualTo(1_50);
        clock.advance(Duration.ofDays(1));
        BillingService.Run run = billing.run();
        assertThat(mine(run.suspended(), a, b)).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(mine(run.charged(), a, b)).isEmpty();
        assertThat(accounts.balanceCents(account)).as("no partial charge").isEqualTo(1_50);
        assertThat(servers.list(account)).extracting(Server::effectiveStatus).containsOnly("suspended");
        SnapshotService snapshots = new SnapshotService(db.db(), SnapshotService.DEFAULT_CLUSTER_STORE);
        assertThat(SwitchConfig.parse(snapshots.snapshot(account, a.id()).json()).serviceState()).isEqualTo("suspended");
        assertThat(mine(billing.run().charged(), a, b)).as("suspended servers are not charged").isEmpty();

        assertThatThrownBy(() -> billing.reactivate(account, a.id()))
                .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.status()).isEqualTo(402));
        accounts.topUp(account, 20_00);
        assertThat(billing.reactivate(account, a.id()).effectiveStatus()).isEqualTo("running");
        assertThat(servers.get(account, b.id()).effectiveStatus()).isEqualTo("suspended");
    }

    /** Runs cover every account in the database: keep this test's servers. */
    private static List<Long> mine(List<Long> ids, Server... servers) {
        List<Long> own = java.util.Arrays.stream(servers).map(Server::id).toList();
        return ids.stream().filter(own::contains).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theControlPlaneRunsBillingBySchedule(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        long account = Fixtures.readyAccount(accounts, 20_00, email()).accountId();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        Server sw = servers.deploy(account, SWITCH);
        try (var control = io.sipfleet.control.api.ControlServer.start(0, db.db(), clock,
                io.sipfleet.control.api.ControlServer.Options.defaults().withBillingEvery(Duration.ofMillis(100)))) {
            Thread.sleep(300);
            assertThat(servers.get(account, sw.id()).effectiveStatus()).isEqualTo("running");
            clock.advance(Duration.ofDays(15));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!"expired".equals(servers.get(account, sw.id()).effectiveStatus()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(servers.get(account, sw.id()).effectiveStatus()).as("expired by the scheduled run").isEqualTo("expired");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoBillingRunsAtOnceChargeEachServerOncePerDay(Databases.Db db) throws Exception {
        AccountService accounts = Fixtures.accounts(db, clock);
        long account = Fixtures.readyAccount(accounts, 100_00, email()).accountId();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        Server a = servers.deploy(account, SWITCH);
        Server b = servers.deploy(account, SWITCH);
        clock.advance(Duration.ofDays(15));
        // Two control planes on one database: each its own service, as after a restart or in HA.
        BillingService one = new BillingService(db.db(), clock);
        BillingService two = new BillingService(db.db(), clock);
        one.run();
        one.reactivate(account, a.id());
        one.reactivate(account, b.id());
        long before = accounts.balanceCents(account);
        for (int day = 0; day < 3; day++) {
            clock.advance(Duration.ofDays(1));
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
                var f1 = pool.submit(() -> { start.await(); return one.run(); });
                var f2 = pool.submit(() -> { start.await(); return two.run(); });
                List<Long> charged = new java.util.ArrayList<>(mine(f1.get().charged(), a, b));
                charged.addAll(mine(f2.get().charged(), a, b));
                assertThat(charged).as("day " + day).containsExactlyInAnyOrder(a.id(), b.id());
            }
        }
        assertThat(accounts.balanceCents(account)).isEqualTo(before - 3 * 2 * BillingService.DAILY_CHARGE_CENTS);
        assertThat(accounts.ledger(account).stream().filter(e -> e.kind().equals(LedgerEntry.SERVER_CHARGE))
                .map(e -> e.serverId() + "@" + e.chargeDate()).distinct().count())
                .isEqualTo(accounts.ledger(account).stream().filter(e -> e.kind().equals(LedgerEntry.SERVER_CHARGE)).count());
    }
}
