package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The brief's "Restrict Direct": a switch that must be reached through its dispatchers answers
 * 403 to anyone else, and serves its dispatchers (and carriers, and fellow members) as usual.
 */
class SwitchRestrictDirectTest {
    static final String SWITCH = "127.0.0.69", DISPATCHER = "127.0.0.96", STRANGER = "127.0.0.97";

    @Test void onlyDispatchersCarriersAndMembersReachARestrictedSwitch() throws Exception {
        TestSwitch.Config config = new TestSwitch.Config(SWITCH);
        config.dispatchers.add(DISPATCHER);
        config.restrictDirect = true;
        try (TestSwitch sw = TestSwitch.start(config);
             RawSip stranger = new RawSip(STRANGER, SWITCH, TestSwitch.PORT);
             RawSip dispatcher = new RawSip(DISPATCHER, SWITCH, TestSwitch.PORT)) {
            String c1 = RawSip.unique("direct");
            RawSip.Received refused = stranger.exchange(
                    stranger.request("OPTIONS", "sip:" + SWITCH, "1001", "sip:" + SWITCH, c1, 1), c1, 1, Duration.ofSeconds(3));
            assertThat(refused).as("answer to a direct request").isNotNull();
            assertThat(refused.response().statusCode()).isEqualTo(403);
            assertThat(refused.response().reason()).isEqualTo("Direct Access Not Allowed");

            String c2 = RawSip.unique("via-dispatcher");
            RawSip.Received served = dispatcher.exchange(
                    dispatcher.request("OPTIONS", "sip:" + SWITCH, "1001", "sip:" + SWITCH, c2, 1), c2, 1, Duration.ofSeconds(3));
            assertThat(served).isNotNull();
            assertThat(served.response().statusCode()).isEqualTo(200);
        }
    }
}
