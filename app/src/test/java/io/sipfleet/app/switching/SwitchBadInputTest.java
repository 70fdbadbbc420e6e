package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.switching.config.ApplyResult;
import io.sipfleet.switching.config.ConfigException;
import io.sipfleet.switching.config.SwitchConfig;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input with real SIPp: a wrong password gets the challenge then 403; a malformed Contact
 * gets 400 naming it; a configuration snapshot with a bad field is refused by the field's name
 * and the running one keeps serving.
 */
class SwitchBadInputTest {
    static final String SWITCH = "127.0.0.65", PHONE = "127.0.0.180";

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

    @Test void wrongPasswordGetsTheChallengeThen403() {
        String wrong = "1002;[authentication username=1002 password=not-the-password]";
        Sipp.scenario("register-wrong-password").local(PHONE, 5060).remote(SWITCH, TestSwitch.PORT)
                .arg("-auth_uri", TestSwitch.REALM).injection("SEQUENTIAL", wrong).calls(1).timeout(10)
                .run(dir, "register").assertClean(1);
        Sipp.scenario("uac-wrong-password").local(PHONE, 5060).remote(SWITCH, TestSwitch.PORT)
                .arg("-auth_uri", "1001@sipfleet.local").arg("-s", "1001").injection("SEQUENTIAL", wrong)
                .calls(1).timeout(10).run(dir, "invite").assertClean(1);
        assertThat(sw.bindings("sip:1002@sipfleet.local")).isZero();
        assertThat(sw.channelsInUse()).isZero();
        String metrics = sw.scrape();
        assertThat(TestSwitch.metricIn(metrics, "sipfleet_auth_failures_total")).isGreaterThanOrEqualTo(1);
    }

    @Test void malformedContactGets400NamingTheContact() {
        Sipp.scenario("register-bad-contact").local(PHONE, 5060).remote(SWITCH, TestSwitch.PORT)
                .injection("SEQUENTIAL", "1002").calls(1).timeout(10).run(dir, "register").assertClean(1);
        assertThat(sw.bindings("sip:1002@sipfleet.local")).isZero();
    }

    @Test void snapshotWithABadFieldIsRefusedByNameAndTheSwitchKeepsServing() throws Exception {
        String good = new TestSwitch.Config(SWITCH).json();
        assertThatThrownBy(() -> SwitchConfig.parse(good.replace("\"cpsLimit\": 0", "\"cpsLimit\": -5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cpsLimit");
        assertThatThrownBy(() -> SwitchConfig.parse(good.replace("\"cpsLimit\"", "\"cpsLimt\"")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cpsLimt");
        assertThatThrownBy(() -> SwitchConfig.parse(good.replace("\"intervalSeconds\": 30", "\"intervalSeconds\": 0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keepAlive.intervalSeconds");

        SwitchConfig running = sw.node.config();
        SwitchConfig bad = with(with(running, "version", 2L), "channelLimit", -1);
        ApplyResult result = sw.node.apply(bad);
        assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.REFUSED);
        assertThat(result.reason()).contains("channelLimit");
        assertThat(sw.node.config()).isSameAs(running);
        assertThat(sw.metric("sipfleet_config_reloads_total", "result=\"refused\"")).isEqualTo(1);
        assertThat(sw.metric("sipfleet_config_version")).isEqualTo(1);

        // still serving: a phone registers
        sw.register(dir, "1002", PHONE, 5062);
        assertThat(sw.bindings("sip:1002@sipfleet.local")).isEqualTo(1);
    }

    /** {@code c} with one component replaced, built through the record's canonical constructor (no validation). */
    static SwitchConfig with(SwitchConfig c, String component, Object value) throws Exception {
        RecordComponent[] rc = SwitchConfig.class.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            types[i] = rc[i].getType();
            args[i] = rc[i].getName().equals(component) ? value : rc[i].getAccessor().invoke(c);
        }
        return SwitchConfig.class.getDeclaredConstructor(types).newInstance(args);
    }
}
