package io.sipfleet.switching.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** examples/switch-single.json must stay valid and say what examples/README.md says. */
class ExampleConfigTest {

    /** The repository's examples/ directory, found from the module directory tests run in. */
    static Path examples() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples");
            if (Files.isRegularFile(candidate.resolve("switch-single.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/switch-single.json not found above " + Path.of("").toAbsolutePath());
    }

    static String ha1(String algorithm, String user, String realm, String password) throws Exception {
        byte[] digest = MessageDigest.getInstance(algorithm)
                .digest((user + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    @Test
    void single_switch_example_loads() throws Exception {
        SwitchConfig c = SwitchConfig.load(examples().resolve("switch-single.json"));

        assertThat(c.listen()).containsExactly(new Listen("127.0.0.2", 5060, List.of(SipTransport.UDP, SipTransport.TCP)));
        assertThat(c.realm()).isEqualTo("sipfleet.local");
        assertThat(c.cdrFile()).isEqualTo("/tmp/sipfleet-cdr.jsonl");
        assertThat(c.metricsPort()).isEqualTo(9090);
        assertThat(c.carrierRoutes()).extracting(CarrierRoute::prefix, CarrierRoute::gateway)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("", "sip:127.0.0.30:5060"),
                        org.assertj.core.groups.Tuple.tuple("44", "sip:127.0.0.31:5060"));
        assertThat(c.routeTable().route("+442071234567")).map(CarrierRoute::gateway).hasValue("sip:127.0.0.31:5060");
        assertThat(c.routeTable().route("33123456789")).map(CarrierRoute::gateway).hasValue("sip:127.0.0.30:5060");
    }

    @Test
    void example_users_hold_the_ha1_of_the_documented_test_passwords() throws Exception {
        SwitchConfig c = SwitchConfig.load(examples().resolve("switch-single.json"));
        String readme = Files.readString(examples().resolve("README.md"));

        assertThat(c.sipUsers()).hasSize(3);
        for (int n = 1001; n <= 1003; n++) {
            String user = Integer.toString(n);
            String password = "secret" + n;
            SipUser u = c.sipUsers().get(n - 1001);
            assertThat(u.aor()).isEqualTo("sip:" + user + "@sipfleet.local");
            assertThat(u.authUser()).isEqualTo(user);
            assertThat(u.ha1Md5()).isEqualTo(ha1("MD5", user, "sipfleet.local", password));
            assertThat(u.ha1Sha256()).isEqualTo(ha1("SHA-256", user, "sipfleet.local", password));
            assertThat(readme).contains("`" + password + "`");
        }
    }

    @Test
    void example_writes_out_every_field() throws Exception {
        String json = Files.readString(examples().resolve("switch-single.json"));
        for (var component : SwitchConfig.class.getRecordComponents()) {
            assertThat(json).as("the complete example shows every field").contains('"' + component.getName() + '"');
        }
    }

    /** examples/cluster-3: three members of cluster c1 on Redis, the single switch's users and routes. */
    @Test
    void cluster_example_members_load_and_list_each_other() throws Exception {
        SwitchConfig single = SwitchConfig.load(examples().resolve("switch-single.json"));
        String[] names = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
            SwitchConfig c = SwitchConfig.load(examples().resolve("cluster-3/switch-" + names[i] + ".json"));
            assertThat(c.serverId()).isEqualTo("switch-" + names[i]);
            assertThat(c.listen().get(0).address()).isEqualTo("127.0.0." + (2 + i));
            assertThat(c.listen().get(0).port()).isEqualTo(5060);
            assertThat(c.clusterId()).isEqualTo("c1");
            assertThat(c.storeUri()).isEqualTo("redis://127.0.0.1:6379");
            assertThat(c.sipUsers()).isEqualTo(single.sipUsers());
            assertThat(c.carrierRoutes()).isEqualTo(single.carrierRoutes());
            var members = ClusterMembers.of(c);
            assertThat(members).hasSize(2).doesNotContainKey(c.serverId());
            for (int j = 0; j < 3; j++) {
                if (j == i) continue;
                assertThat(members.get("switch-" + names[j]))
                        .isEqualTo(new java.net.InetSocketAddress("127.0.0." + (2 + j), 5060));
            }
        }
    }
}
