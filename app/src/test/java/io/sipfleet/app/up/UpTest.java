package io.sipfleet.app.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.control.server.AddressPool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sipfleet up} as a user runs it (its own address range and a free control port here):
 * the control plane deploys the demo fleet through its API, and two phones register and call
 * each other through the printed dispatcher address with SIPp, in both modes (nodes inside the
 * JVM on in-memory state; separate node processes on Redis). A second run on the same database
 * brings the same servers back.
 */
class UpTest {
    static final String CALLER = "127.0.7.190", CALLEE = "127.0.7.191";
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir Path dir;
    ControlPlaneFleet fleet;

    @BeforeAll static void prerequisites() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void down() {
        if (fleet != null) fleet.close();
    }

    ControlPlaneFleet up(String redis, AddressPool pool) throws Exception {
        return ControlPlaneFleet.start(new ControlPlaneFleet.Settings("127.0.0.1", 0,
                "jdbc:h2:file:" + dir.resolve("db/up").toAbsolutePath(), redis, pool, dir.resolve("agent"),
                dir.resolve("config/sipfleet/control.json"), dir.resolve("db/up-secret.key")));
    }

    String printed() {
        StringWriter table = new StringWriter();
        fleet.describe(new PrintWriter(table));
        return table.toString();
    }

    void registerAndCall(String dispatcher, String label) {
        String ip = dispatcher.substring(0, dispatcher.indexOf(':'));
        int port = Integer.parseInt(dispatcher.substring(dispatcher.indexOf(':') + 1));
        for (String[] u : List.of(new String[] {"1002", CALLEE, "5070"}, new String[] {"1001", CALLER, "5060"})) {
            Sipp.scenario("register").local(u[1], Integer.parseInt(u[2])).remote(ip, port).calls(1).timeout(10)
                    .arg("-auth_uri", "sipfleet.local")
                    .injection("SEQUENTIAL", u[0] + ";[authentication username=" + u[0] + " password=pass" + u[0] + "];"
                            + u[1] + ":" + u[2])
                    .run(dir, "register-" + u[0] + "-" + label).assertClean(1);
        }
        try (Sipp.Running uas = Sipp.scenario("uas-answer").local(CALLEE, 5070).key("user", "1002").calls(1)
                .timeout(20).start(dir, "callee-" + label).awaitBound()) {
            Sipp.scenario("uac-call").local(CALLER, 5060).remote(ip, port)
                    .injection("SEQUENTIAL", "1001;[authentication username=1001 password=pass1001]")
                    .arg("-auth_uri", "1002@sipfleet.local").arg("-s", "1002").timeout(20)
                    .calls(1).run(dir, "caller-" + label).assertClean(1);
            uas.await().assertClean(1);
        }
    }

    @Test void inProcessFleetDeployedThroughControlTakesACallAndComesBackOnTheSameDatabase() throws Exception {
        fleet = up(null, new AddressPool("127.0.7.", 50, 60));
        String table = printed();
        assertThat(fleet.rows()).extracting(ControlPlaneFleet.Row::role).containsExactly("dispatcher", "switch", "switch");
        assertThat(fleet.rows()).allSatisfy(r -> assertThat(r.status()).isEqualTo("running"));
        String dispatcher = fleet.dispatcher();
        assertThat(dispatcher).isEqualTo("127.0.7.52:5060");
        assertThat(table).contains("sip:127.0.7.52:5060", "sip:127.0.7.50:5060", "sip:127.0.7.51:5060",
                "outbound proxy 127.0.7.52:5060", "1001 / pass1001", "domain sipfleet.local", fleet.token(),
                "carrier route 9 -> sip:127.0.0.9:5060", "inside this JVM");

        Path credentials = dir.resolve("config/sipfleet/control.json");
        var cred = JSON.readTree(Files.readString(credentials));
        assertThat(cred.get("url").asString()).isEqualTo(fleet.url());
        assertThat(cred.get("token").asString()).isEqualTo(fleet.token());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");

        // The CLI finds the running control plane through that file by itself.
        var target = io.sipfleet.app.cli.ControlTarget.resolve(null, null,
                java.util.Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString()));
        assertThat(target.url()).isEqualTo(fleet.url());
        assertThat(target.token()).isEqualTo(fleet.token());
        StringWriter out = new StringWriter();
        var cli = io.sipfleet.app.Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("servers", "list", "--json", "--url", target.url(), "--token", target.token())).isZero();
        assertThat(out.toString()).contains("\"ip\"", "127.0.7.52", "127.0.7.50", "\"running\"");

        registerAndCall(dispatcher, "first");

        // Ctrl-C: everything stops (the switch's SIP TCP port is closed again) ...
        fleet.close();
        fleet = null;
        assertThat(canConnect("127.0.7.50", 5060)).isFalse();
        // ... and a second run finds the account and its servers in the database: same addresses, a new token.
        String firstToken = cred.get("token").asString();
        fleet = up(null, new AddressPool("127.0.7.", 50, 60));
        assertThat(fleet.rows()).extracting(ControlPlaneFleet.Row::ip).containsExactly("127.0.7.52", "127.0.7.50", "127.0.7.51");
        assertThat(fleet.rows()).allSatisfy(r -> assertThat(r.status()).isEqualTo("running"));
        assertThat(fleet.token()).isNotEqualTo(firstToken);
        registerAndCall(fleet.dispatcher(), "second");
    }

    @Test void redisModeRunsSeparateNodeProcessesAndTakesACall() throws Exception {
        fleet = up("redis://127.0.0.1:6379", new AddressPool("127.0.7.", 70, 80));
        assertThat(printed()).contains("separate processes under the agent", "redis://127.0.0.1:6379");
        assertThat(fleet.rows()).allSatisfy(r -> assertThat(r.status()).isEqualTo("running"));
        // Each node is its own OS process (not this JVM), running from the current build.
        assertThat(Files.readString(dir.resolve("agent/switch-1/node.log"))).contains("switch switch-1 running");
        registerAndCall(fleet.dispatcher(), "redis");
    }

    static boolean canConnect(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(ip, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
