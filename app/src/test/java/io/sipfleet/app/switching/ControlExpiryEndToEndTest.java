package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.ClusterState;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.billing.BillingService;
import io.sipfleet.control.config.SnapshotService;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.server.AddressPool;
import io.sipfleet.control.server.DeployRequest;
import io.sipfleet.control.server.InMemoryProvisioner;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerService;
import io.sipfleet.control.sipuser.SipUserService;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.ApplyResult;
import io.sipfleet.switching.config.SwitchConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Expiry reaches the calls: a switch running on the control plane's snapshot takes calls, the
 * test period ends (clock moved by hand), billing expires the server, the next snapshot makes the
 * switch answer new calls 503, and after Reactivate the following snapshot lets calls in again.
 */
class ControlExpiryEndToEndTest {

    /** Control's clock, moved by the test; the switch runs on real time. */
    private static final class HandClock extends Clock {
        private volatile Instant now = Instant.now();

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @Test void anExpiredServerRefusesNewCallsUntilReactivated() throws Exception {
        HandClock clock = new HandClock();
        try (ControlDatabase db = ControlDatabase.open("jdbc:h2:mem:expiry-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")) {
            AccountService accounts = new AccountService(db, clock);
            var signup = accounts.signup("Acme", "expiry-" + UUID.randomUUID() + "@example.com");
            long account = signup.accountId();
            accounts.updateContact(account, "Ada", "ada@example.com", "+1 555 0100");
            accounts.acceptTerms(account);
            accounts.topUp(account, 20_00);
            new SipUserService(db, clock).create(account, "1001", "pass1001");
            ServerService servers = new ServerService(db, clock, new InMemoryProvisioner(), new AddressPool("127.0.9.", 20, 29));
            Server sw = servers.deploy(account, new DeployRequest("switch", "us-east", null));
            SnapshotService snapshots = new SnapshotService(db, SnapshotService.DEFAULT_CLUSTER_STORE);
            BillingService billing = new BillingService(db, clock);
            String realm = accounts.account(account).sipRealm();

            SwitchConfig first = SwitchConfig.parse(snapshots.snapshot(account, sw.id()).json());
            try (SwitchNode node = SwitchNode.start(first, ClusterState.inMemory(Clock.systemUTC()), Clock.systemUTC());
                 RawSip phone = new RawSip("127.0.9.31", sw.address(), sw.sipPort())) {
                assertThat(invite(phone, realm).status()).as("active: the call goes on to digest auth").isEqualTo(407);

                clock.now = clock.now.plus(Duration.ofDays(15));
                assertThat(billing.run().expired()).contains(sw.id());
                assertThat(node.apply(SwitchConfig.parse(snapshots.snapshot(account, sw.id()).json())).outcome())
                        .isEqualTo(ApplyResult.Outcome.APPLIED);
                RawSip.Received refused = invite(phone, realm);
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.response().reason()).isEqualTo("Service Expired");

                billing.reactivate(account, sw.id());
                assertThat(node.apply(SwitchConfig.parse(snapshots.snapshot(account, sw.id()).json())).outcome())
                        .isEqualTo(ApplyResult.Outcome.APPLIED);
                assertThat(invite(phone, realm).status()).as("reactivated").isEqualTo(407);
            }
        }
    }

    private static RawSip.Received invite(RawSip phone, String realm) {
        String c = RawSip.unique("expiry");
        RawSip.Received r = phone.exchange(phone.request("INVITE", "sip:1001@" + realm, "1001", "sip:1001@" + realm,
                c, 1), c, 1, Duration.ofSeconds(3));
        assertThat(r).as("a final answer to the INVITE").isNotNull();
        return r;
    }
}
