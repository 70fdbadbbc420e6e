package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.cluster.location.Binding;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAT with real SIPp: a phone registers from source port 5074 while its Contact names a private
 * address (10.0.0.5:5999, unreachable); calls to it must reach port 5074: the INVITE, and the
 * ACK and BYE of the call even though its 200 names the private Contact too.
 */
class SwitchNatTest {
    static final String SWITCH = "127.0.0.61", CALLER = "127.0.0.165", PHONE = "127.0.0.166";
    static final String PRIVATE_CONTACT = "10.0.0.5:5999";

    @TempDir Path dir;
    TestSwitch sw;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @BeforeEach void startSwitch() {
        sw = TestSwitch.start(new TestSwitch.Config(SWITCH));
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    @Test void callsReachTheFlowTheRegisterCameFromNotTheContact() {
        sw.register(dir, "1002", PHONE, 5074, PRIVATE_CONTACT);
        List<Binding> bindings = sw.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join();
        assertThat(bindings).hasSize(1);
        assertThat(bindings.get(0).contact()).isEqualTo("sip:1002@" + PRIVATE_CONTACT);
        assertThat(bindings.get(0).flow().sourcePort()).isEqualTo(5074);

        try (Sipp.Running phone = Sipp.scenario("uas-answer-nat").local(PHONE, 5074).key("user", "1002")
                .key("contact", PRIVATE_CONTACT).calls(2).timeout(20).start(dir, "phone").awaitBound()) {
            Sipp.scenario("uac-call").local(CALLER, 5060).remote(SWITCH, TestSwitch.PORT)
                    .injection("SEQUENTIAL", TestSwitch.credentials("1001")).arg("-auth_uri", "1002@sipfleet.local")
                    .arg("-s", "1002").calls(2).rate(10, 1000).timeout(20).run(dir, "caller").assertClean(2);
            phone.await().assertClean(2);
        }
        assertThat(sw.channelsInUse()).isZero();
    }
}
