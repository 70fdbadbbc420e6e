package io.sipfleet.app.dispatching;

import static io.sipfleet.app.dispatching.Fleet3.CALLER;
import static io.sipfleet.app.dispatching.Fleet3.DISPATCHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.cluster.location.Binding;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phones on TCP: the dispatcher listens on UDP and TCP and speaks UDP to its switches. A call
 * over TCP gets two Record-Route entries of the dispatcher (RFC 5658): the caller's, with
 * transport=tcp and its flow, and the switches', plain UDP; the ACK and BYE find their way both
 * ways. A REGISTER over TCP is forwarded statelessly and its answer goes back on the phone's
 * connection; the switch stores both Path entries.
 */
class DispatcherTcpTest {
    @TempDir Path dir;
    Fleet3 fleet;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stop() {
        if (fleet != null) fleet.close();
    }

    private void start() throws Exception {
        fleet = new Fleet3(dir).switches().dispatcherFrom(Fleet3.dispatcherJson(1, "round-robin", Fleet3.allThree())
                .replace("\"port\": 5060}", "\"port\": 5060, \"transports\": [\"udp\", \"tcp\"]}"));
        fleet.awaitAllUp(10);
    }

    @Test void callsOverTcpGoThroughAndEndWithTheirBye() throws Exception {
        start();
        try (Sipp.Running gw = fleet.gateway(60)) {
            fleet.caller(CALLER, 30, 15, 30).transport("t1").run(dir, "tcp-caller").assertClean(30);
            gw.stop();
        }
        for (double a : fleet.admitted()) assertThat(a).isEqualTo(10.0);
    }

    @Test void aRegisterOverTcpIsAnsweredOnThePhonesConnectionAndStoresBothPaths() throws Exception {
        start();
        String phone = "127.0.6.26";
        Sipp.scenario("register").local(phone, 5090).remote(DISPATCHER, 5060).transport("t1").calls(1).timeout(10)
                .arg("-auth_uri", "sipfleet.local")
                .injection("SEQUENTIAL", "1002;[authentication username=1002 password=secret1002];" + phone + ":5090")
                .run(dir, "tcp-register").assertClean(1);
        Binding b = null;
        for (var s : fleet.switches) {
            List<Binding> found = s.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join();
            if (!found.isEmpty()) b = found.get(0);
        }
        assertThat(b).as("a binding on the AoR's switch").isNotNull();
        assertThat(b.path()).as("UDP entry for the switch, then the phone's TCP flow")
                .matches("<sip:127\\.0\\.6\\.10:5060;lr>, ?<sip:127\\.0\\.6\\.10:5060;transport=tcp;lr;flow=127\\.0\\.6\\.26~\\d+~tcp>");
    }

    /**
     * A call to a phone registered over TCP: the switch sends the INVITE through the Path to the
     * dispatcher over UDP, the dispatcher to the phone on its own TCP connection (the flow),
     * record-routing twice so the ACK and BYE that follow find the phone too.
     */
    @Test void aCallReachesAPhoneOnTcpThroughItsConnection() throws Exception {
        fleet = new Fleet3(dir).switches().dispatcherFrom(Fleet3.dispatcherJson(1, "aor-hash", Fleet3.allThree())
                .replace("\"port\": 5060}", "\"port\": 5060, \"transports\": [\"udp\", \"tcp\"]}"));
        fleet.awaitAllUp(10);
        String phone = "127.0.6.27";
        Path answer = dir.resolve("phone-answers.xml");
        try (var in = getClass().getResourceAsStream("/sipp/switch/uas-answer-any.xml")) {
            java.nio.file.Files.copy(in, answer);
        }
        // registers over TCP, then stays 3 s on its connection, answering the call as an out-of-call request
        try (Sipp.Running ph = Sipp.scenario("register-and-stay").local(phone, 5091).remote(DISPATCHER, 5060)
                .transport("t1").calls(1).timeout(15).arg("-auth_uri", "sipfleet.local").arg("-oocsf", answer.toString())
                .injection("SEQUENTIAL", "1002;[authentication username=1002 password=secret1002];" + phone + ":5091")
                .start(dir, "tcp-phone")) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && fleet.switches.stream().allMatch(s ->
                    s.node.state().location().lookup("sip:1002@sipfleet.local").toCompletableFuture().join().isEmpty())) {
                Sipp.sleep(50);
            }
            Sipp.scenario("uac-cps").local(CALLER, 5060).remote(DISPATCHER, 5060)
                    .injection("SEQUENTIAL", "441632960001").arg("-s", "1002").calls(1).timeout(10)
                    .run(dir, "caller").assertClean(1);
            ph.await();
        }
    }
}
