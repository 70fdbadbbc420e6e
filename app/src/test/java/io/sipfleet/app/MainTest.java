package io.sipfleet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test void versionPrintsSipfleetAndJavaVersions() {
        Run r = run("version");
        assertThat(r.exit()).isZero();
        String[] lines = r.out().split("\\R");
        assertThat(lines[0]).isEqualTo("sipfleet " + Version.sipfleet());
        assertThat(Version.sipfleet()).doesNotContain("${").isNotEqualTo("dev");
        assertThat(lines[1]).startsWith("Java " + System.getProperty("java.version"));
        assertThat(run("--version").out()).isEqualTo(r.out());
    }

    @Test void helpListsTheSubcommands() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("version", "node", "up");
    }

    @Test void nodeNeedsAKnownRole() {
        assertThat(run("node").err()).contains("Missing required option: '--role=ROLE'");
        Run r = run("node", "--role", "proxy");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--role").contains("echo");
    }

    @Test void badOptionValuesAreExplained() {
        assertThat(run("node", "--role", "echo", "--allow", "10.0.0.1/8").err())
                .contains("host bits set").contains("10.0.0.0/8");
        assertThat(run("node", "--role", "echo", "--listen", "127.0.0.2:99999").err()).contains("0..65535");
        assertThat(run("node", "--role", "echo", "--listen", "::1:5060").err()).contains("[addr]:port");
        assertThat(run("node", "--role", "echo", "--transport", "tls").err()).contains("not supported yet");
        assertThat(run("node", "--role", "echo", "--transport", "sctp").exit()).isEqualTo(2);
    }

    @Test void aPortInUseIsOneLineNotAStackTrace() throws Exception {
        try (var taken = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.45", 0))) {
            Run r = run("node", "--role", "echo", "--transport", "udp", "--io-threads", "1",
                    "--listen", "127.0.0.45:" + taken.getLocalPort());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("sipfleet node: cannot bind SIP UDP listener to 127.0.0.45:")
                    .doesNotContain("\tat ");
        }
    }
}
