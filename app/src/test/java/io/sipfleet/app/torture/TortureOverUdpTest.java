package io.sipfleet.app.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The echo node fed every RFC 4475 / RFC 5118 message over UDP answers or drops each as a server
 * should, and keeps answering OPTIONS after each one. The node and the sender run in a network
 * namespace with only loopback ({@code unshare -n}, needs root, as CI runs): the messages name
 * 192.0.2.x and 255.255.255.255, which must never be reachable from the node.
 *
 * <p>Expected answers: the RFC's (see the corpora's README) for an endpoint that implements
 * OPTIONS and REGISTER only: other methods get 501, unknown schemes 416, unknown Require 420,
 * malformed requests 400 (505 for SIP/7.0, 501 for the unknown-method CSeq mismatch), responses
 * are dropped.
 */
class TortureOverUdpTest {
    static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        // RFC 4475 3.1.1: valid; the endpoint answers by method
        e("rfc4475/wsinv.dat", "501"); e("rfc4475/intmeth.dat", "501"); e("rfc4475/esc01.dat", "501");
        e("rfc4475/escnull.dat", "200"); e("rfc4475/esc02.dat", "501"); e("rfc4475/lwsdisp.dat", "200");
        e("rfc4475/longreq.dat", "501"); e("rfc4475/dblreq.dat", "200"); e("rfc4475/semiuri.dat", "200");
        e("rfc4475/transports.dat", "200"); e("rfc4475/mpart01.dat", "501");
        e("rfc4475/unreason.dat", "drop"); e("rfc4475/noreason.dat", "drop");
        // 3.1.2: invalid
        e("rfc4475/badinv01.dat", "400"); e("rfc4475/clerr.dat", "400"); e("rfc4475/ncl.dat", "400");
        e("rfc4475/scalar02.dat", "400"); e("rfc4475/scalarlg.dat", "drop"); e("rfc4475/quotbal.dat", "400");
        e("rfc4475/ltgtruri.dat", "400"); e("rfc4475/lwsruri.dat", "400"); e("rfc4475/lwsstart.dat", "400");
        e("rfc4475/trws.dat", "400"); e("rfc4475/escruri.dat", "400"); e("rfc4475/baddate.dat", "501");
        e("rfc4475/regbadct.dat", "400"); e("rfc4475/badaspec.dat", "400"); e("rfc4475/baddn.dat", "400");
        e("rfc4475/variants/baddn.terminated.dat", "400"); e("rfc4475/badvers.dat", "505");
        e("rfc4475/mismatch01.dat", "400"); e("rfc4475/mismatch02.dat", "501"); e("rfc4475/bigcode.dat", "drop");
        // 3.2 - 3.4
        e("rfc4475/badbranch.dat", "200"); e("rfc4475/insuf.dat", "400"); e("rfc4475/unkscm.dat", "416");
        e("rfc4475/novelsc.dat", "416"); e("rfc4475/unksm2.dat", "400"); e("rfc4475/bext01.dat", "420");
        e("rfc4475/invut.dat", "501"); e("rfc4475/regaut01.dat", "200"); e("rfc4475/multi01.dat", "400");
        e("rfc4475/mcl01.dat", "400"); e("rfc4475/bcast.dat", "drop"); e("rfc4475/zeromf.dat", "200");
        e("rfc4475/cparam01.dat", "200"); e("rfc4475/cparam02.dat", "200"); e("rfc4475/regescrt.dat", "200");
        e("rfc4475/sdp01.dat", "501"); e("rfc4475/inv2543.dat", "501");
        // RFC 5118
        e("rfc5118/ipv6-good.dat", "200"); e("rfc5118/ipv6-bad.dat", "400"); e("rfc5118/port-ambiguous.dat", "200");
        e("rfc5118/port-unambiguous.dat", "200"); e("rfc5118/via-received-param-with-delim.dat", "501");
        e("rfc5118/via-received-param-no-delim.dat", "200"); e("rfc5118/ipv6-in-sdp.dat", "501");
        e("rfc5118/mult-ip-in-header.dat", "501"); e("rfc5118/mult-ip-in-sdp.dat", "501");
        e("rfc5118/ipv4-mapped-ipv6.dat", "501"); e("rfc5118/ipv6-bug-abnf-3-colons.dat", "200");
        e("rfc5118/ipv6-correct-abnf-2-colons.dat", "200");
    }

    private static void e(String file, String status) { EXPECTED.put(file, status); }

    @Test void everyTortureMessageIsAnsweredOrDroppedAndTheNodeKeepsAnswering() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for unshare -n (CI runs as root)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare (util-linux)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "sh", "-c",
                "ip link set lo up && exec \"$0\" \"$@\"", java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), TortureDriver.class.getName()));
        cmd.addAll(EXPECTED.keySet());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> answered = new LinkedHashMap<>();
        Map<String, Boolean> stillAlive = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\t");
                if (f.length != 3) continue;
                answered.put(f[0], f[1]);
                stillAlive.put(f[0], Boolean.parseBoolean(f[2]));
            }
        } finally {
            if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("driver exit code").isZero();
        assertThat(answered).containsExactlyEntriesOf(EXPECTED);
        assertThat(stillAlive).allSatisfy((file, ok) -> assertThat(ok).as("OPTIONS answered after " + file).isTrue());
    }
}
