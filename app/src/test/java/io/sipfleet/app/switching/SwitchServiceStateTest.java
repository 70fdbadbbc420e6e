package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.switching.config.ApplyResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The control plane's serviceState: an expired or suspended server refuses new calls with 503
 * naming the state, still answers pings and registrations (phones stay registered), and takes
 * calls again as soon as a snapshot makes it active, without a restart.
 */
class SwitchServiceStateTest {
    static final String SWITCH = "127.0.9.2", PHONE = "127.0.9.3";

    @Test void expiredOrSuspendedRefusesNewCallsUntilActiveAgain() throws Exception {
        TestSwitch.Config config = new TestSwitch.Config(SWITCH);
        config.serviceState = "expired";
        try (TestSwitch sw = TestSwitch.start(config);
             RawSip phone = new RawSip(PHONE, SWITCH, TestSwitch.PORT)) {
            assertThat(invite(phone).status()).isEqualTo(503);
            String c = RawSip.unique("ping");
            RawSip.Received ping = phone.exchange(phone.request("OPTIONS", "sip:" + SWITCH, "1001", "sip:" + SWITCH, c, 1),
                    c, 1, Duration.ofSeconds(3));
            assertThat(ping.status()).as("OPTIONS still answered").isEqualTo(200);
            String r = RawSip.unique("reg");
            RawSip.Received register = phone.exchange(phone.request("REGISTER", "sip:sipfleet.local", "1001",
                    "sip:1001@sipfleet.local", r, 1), r, 1, Duration.ofSeconds(3));
            assertThat(register.status()).as("REGISTER still challenged, not refused").isEqualTo(401);

            config.version = 2;
            config.serviceState = "suspended";
            assertThat(sw.node.apply(config.parse()).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
            RawSip.Received suspended = invite(phone);
            assertThat(suspended.status()).isEqualTo(503);
            assertThat(suspended.response().reason()).isEqualTo("Service Suspended");

            config.version = 3;
            config.serviceState = "active";
            assertThat(sw.node.apply(config.parse()).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
            assertThat(invite(phone).status()).as("active again: the call goes on to digest auth").isEqualTo(407);
        }
    }

    private static RawSip.Received invite(RawSip phone) {
        String c = RawSip.unique("call");
        RawSip.Received r = phone.exchange(phone.request("INVITE", "sip:1002@sipfleet.local", "1001",
                "sip:1002@sipfleet.local", c, 1), c, 1, Duration.ofSeconds(3));
        assertThat(r).as("final answer to the INVITE").isNotNull();
        if (r.status() == 503) {
            assertThat(r.response().reason()).startsWith("Service ");
        }
        return r;
    }
}
