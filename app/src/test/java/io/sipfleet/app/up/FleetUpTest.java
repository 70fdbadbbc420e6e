package io.sipfleet.app.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.cluster.location.Binding;
import io.sipfleet.switching.SwitchNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet of {@code sipfleet up} in-process (same SIP addresses, metrics on free ports): two
 * phones register through the dispatcher (127.0.0.10:5060) with the domain as registrar, the
 * switches store the dispatcher's Path, and a call 1001 -> 1002 through the dispatcher
 * completes (INVITE, 407, INVITE with credentials, 180, 200, ACK, BYE), the switch reaching the
 * callee back through the dispatcher and the flow in its Path.
 */
class FleetUpTest {
    static final String DISPATCHER = "127.0.0.10";
    static final String CALLER = "127.0.0.190", CALLEE = "127.0.0.191";

    @TempDir Path dir;
    Fleet fleet;

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @BeforeEach void up() throws Exception {
        fleet = Fleet.start(true, dir.resolve("cdr"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(fleet.dispatcher().isUp("sip:127.0.0.2:5060") && fleet.dispatcher().isUp("sip:127.0.0.3:5060"))
                && System.nanoTime() < deadline) {
            Sipp.sleep(50);
        }
    }

    @AfterEach void down() {
        if (fleet != null) fleet.close();
    }

    private void register(String user, String ip, int port) {
        Sipp.scenario("register").local(ip, port).remote(DISPATCHER, 5060).calls(1).timeout(10)
                .arg("-auth_uri", "sipfleet.local")
                .injection("SEQUENTIAL", user + ";[authentication username=" + user + " password=secret" + user + "];"
                        + ip + ":" + port)
                .run(dir, "register-" + user).assertClean(1);
    }

    @Test void registerAndCallThroughTheDispatcher() {
        StringWriter table = new StringWriter();
        fleet.describe(new PrintWriter(table));
        assertThat(table.toString()).contains("dispatcher-1", "switch-1", "switch-2", "sip:127.0.0.10:5060",
                "outbound proxy 127.0.0.10:5060");

        register("1002", CALLEE, 5070);
        register("1001", CALLER, 5060);
        SwitchNode any = fleet.switches().get(0);
        List<Binding> callee = any.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join();
        assertThat(callee).hasSize(1);
        assertThat(callee.get(0).path()).as("the dispatcher's Path, with the phone's flow")
                .isEqualTo("<sip:127.0.0.10:5060;lr;flow=" + CALLEE + "~5070~udp>");
        assertThat(callee.get(0).flow().sourceIp()).isEqualTo(DISPATCHER);

        try (Sipp.Running uas = Sipp.scenario("uas-answer").local(CALLEE, 5070).key("user", "1002").calls(1)
                .timeout(20).start(dir, "callee").awaitBound()) {
            Sipp.scenario("uac-call").local(CALLER, 5060).remote(DISPATCHER, 5060)
                    .injection("SEQUENTIAL", "1001;[authentication username=1001 password=secret1001]")
                    .arg("-auth_uri", "1002@sipfleet.local").arg("-s", "1002").timeout(20)
                    .calls(1).run(dir, "caller").assertClean(1);
            uas.await().assertClean(1);
        }
        for (SwitchNode s : fleet.switches()) assertThat(s.calls().active()).isZero();
    }
}
