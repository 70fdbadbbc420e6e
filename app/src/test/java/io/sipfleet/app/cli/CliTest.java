package io.sipfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.app.Main;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.api.ControlServer;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.server.InMemoryProvisioner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** The CLI's API verbs against a real control plane (HTTP on a free port, H2 database). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {

    private static final String OPERATOR = "op-" + UUID.randomUUID();
    private long account;
    private ControlDatabase db;
    private ControlServer control;
    private String url;
    private String token;

    private record Run(int exit, String out, String err) {
        JsonNode json() {
            return ControlClient.JSON.readTree(out);
        }
    }

    @BeforeAll
    void start() {
        db = ControlDatabase.open("jdbc:h2:mem:cli-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        control = ControlServer.start(0, db, Clock.systemUTC(),
                ControlServer.Options.defaults().withProvisioner(new InMemoryProvisioner()).withOperatorToken(OPERATOR));
        url = "http://127.0.0.1:" + control.port();
        AccountService accounts = new AccountService(db, Clock.systemUTC());
        var signup = accounts.signup("Acme", "cli-" + UUID.randomUUID() + "@example.com");
        accounts.updateContact(signup.accountId(), "Ada", "ada@example.com", "+1 555 0100");
        accounts.acceptTerms(signup.accountId());
        accounts.topUp(signup.accountId(), 100_00);
        token = signup.token();
        account = signup.accountId();
    }

    @AfterAll
    void stop() {
        control.close();
        db.close();
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + url);
        all.add("--token=" + token);
        return runRaw(all.toArray(String[]::new));
    }

    private static Run runRaw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void serversListJsonHasTheFieldsScriptsUseAndTheTableShowsTheServer() {
        Run deployed = run("servers", "deploy", "--type", "switch", "--zone", "us-east", "--json");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        long id = deployed.json().get("id").asLong();

        Run list = run("servers", "list", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        JsonNode server = null;
        for (JsonNode s : list.json()) {
            if (s.get("id").asLong() == id) {
                server = s;
            }
        }
        assertThat(server).as(list.out()).isNotNull();
        for (String field : List.of("id", "ip", "port", "type", "cluster", "status", "channels_in_use", "channels_max",
                "cps_max", "sip_latency_ms")) {
            assertThat(server.has(field)).as(field + " in " + server).isTrue();
        }
        assertThat(server.get("type").asString()).isEqualTo("switch");
        assertThat(server.get("status").asString()).isEqualTo("running");
        assertThat(server.get("port").asInt()).isEqualTo(5060);
        assertThat(server.get("channels_max").asInt()).isEqualTo(100);
        assertThat(server.get("cluster").isNull()).isTrue();

        Run table = run("servers", "list");
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("IP", "CHANNELS", "STATUS");
        assertThat(table.out()).contains(server.get("ip").asString()).contains("-/100").contains("running");

        Run show = run("servers", "show", Long.toString(id), "--json");
        assertThat(show.json().get("server").get("id").asLong()).isEqualTo(id);
        assertThat(show.json().get("config").get("region").asString()).isEqualTo("US");
    }

    @Test
    void clustersAndConfigThroughTheCli() {
        Run created = run("clusters", "create", "edge-" + System.nanoTime() % 100000, "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        long cluster = created.json().get(0).get("id").asLong();
        long a = run("servers", "deploy", "--type", "switch", "--zone", "us-east", "--cluster", Long.toString(cluster),
                "--json").json().get("id").asLong();
        long b = run("servers", "deploy", "--type", "switch", "--zone", "us-east", "--cluster", Long.toString(cluster),
                "--json").json().get("id").asLong();
        assertThat(run("clusters", "show", Long.toString(cluster), "--json").json().get("servers").toString())
                .isEqualTo("[" + a + "," + b + "]");
        assertThat(run("clusters", "list").out()).contains("cluster-" + cluster);

        Run config = run("servers", "config", Long.toString(a), "--set", "fqdn=sw-a.example.com",
                "--set", "extra_udp_ports=[5080]", "--set", "disable_uac_ping=true",
                "--set", "capacity_failover_server_id=" + b, "--json");
        assertThat(config.exit()).as(config.err()).isZero();
        assertThat(config.json().get("fqdn").asString()).isEqualTo("sw-a.example.com");
        assertThat(config.json().get("extra_udp_ports").toString()).isEqualTo("[5080]");
        assertThat(config.json().get("capacity_failover_server_id").asLong()).isEqualTo(b);
        assertThat(run("servers", "config", Long.toString(a)).out()).contains("disable_uac_ping:").contains("true");

        Run tls = run("servers", "config", Long.toString(a), "--set", "tls=true");
        assertThat(tls.exit()).isEqualTo(1);
        assertThat(tls.err()).contains("tls: needs a server certificate").contains("(HTTP 400)").doesNotContain("\tat ");
        Run typo = run("servers", "config", Long.toString(a), "--set", "fqnd=x.example.com");
        assertThat(typo.exit()).isEqualTo(1);
        assertThat(typo.err()).contains("fqnd: unknown field");
        assertThat(run("servers", "show", Long.toString(a), "--json").json().get("config").get("tls").asBoolean()).isFalse();
    }

    @Test
    void clusteringSettingsAreSetAndShownThroughTheCli() {
        String name = "core-" + System.nanoTime() % 100000;
        Run created = run("clusters", "create", name, "--store-fail-mode", "open", "--member-channel-limit", "50", "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode c = created.json().get(0);
        long cluster = c.get("id").asLong();
        assertThat(c.get("clustering").get("store_fail_mode").asString()).isEqualTo("open");
        assertThat(c.get("clustering").get("member_channel_limit").asInt()).isEqualTo(50);
        assertThat(c.get("clustering").get("capacity_failover_mode").asString()).as("default").isEqualTo("redirect");

        Run changed = run("clusters", "config", Long.toString(cluster), "--capacity-failover-mode", "forward",
                "--channel-lease-ttl-seconds", "30", "--json");
        assertThat(changed.exit()).as(changed.err()).isZero();
        assertThat(changed.json().get("clustering").toString()).isEqualTo("{\"store_fail_mode\":\"open\","
                + "\"member_channel_limit\":50,\"capacity_failover_mode\":\"forward\",\"channel_lease_ttl_seconds\":30}");

        Run show = run("clusters", "show", Long.toString(cluster));
        assertThat(show.out()).contains("clustering:").containsPattern("store_fail_mode: +open")
                .containsPattern("member_channel_limit: +50").containsPattern("capacity_failover_mode: +forward")
                .containsPattern("channel_lease_ttl_seconds: +30");
        String row = run("clusters", "list").out().lines().filter(l -> l.contains(name)).findFirst().orElseThrow();
        assertThat(row).containsPattern("open +50 +forward +30$");
        assertThat(run("clusters", "config", Long.toString(cluster)).out()).containsPattern("member_channel_limit: +50");

        Run bad = run("clusters", "config", Long.toString(cluster), "--store-fail-mode", "sideways");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("clustering.store_fail_mode: must be \"closed\"").contains("(HTTP 400)");
        Run negative = run("clusters", "create", name + "-x", "--member-channel-limit", "-1");
        assertThat(negative.exit()).isEqualTo(1);
        assertThat(negative.err()).contains("clustering.member_channel_limit: must be 0 to").contains("(HTTP 400)");
        assertThat(run("clusters", "show", Long.toString(cluster), "--json").json().get("clustering")
                .get("store_fail_mode").asString()).isEqualTo("open");
    }

    @Test
    void balanceAndLedger() {
        Run balance = run("balance", "--json");
        assertThat(balance.exit()).as(balance.err()).isZero();
        long cents = balance.json().get("balance_cents").asLong();
        assertThat(cents).isGreaterThanOrEqualTo(100_00); // the operator test may have added a payment
        assertThat(run("balance").out()).contains("balance:").contains(String.format("$%d.%02d", cents / 100, cents % 100));
        assertThat(run("balance", "ledger").out()).contains("top_up").contains("10000");
    }

    @Test
    void errorsAreOneLineNamingTheProblem() {
        Run missing = run("servers", "show", "987654321");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no server with id 987654321").contains("(HTTP 404)");
        Run badToken = runRaw("servers", "list", "--url=" + url, "--token=sft_nope");
        assertThat(badToken.err()).contains("invalid or revoked API token (HTTP 401)");
        Run down = runRaw("servers", "list", "--url=http://127.0.9.1:9", "--token=sft_x");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach the control plane at http://127.0.9.1:9");
        Run noAction = run("servers", "action", "1", "start");
        assertThat(noAction.exit()).isEqualTo(1);
        assertThat(noAction.err().lines().count()).isEqualTo(1);
        Run badResize = run("servers", "resize", "1", "many");
        assertThat(badResize.exit()).isEqualTo(2);
        assertThat(badResize.err()).contains("CHANNELS");
    }

    @Test
    void credentialsComeFromOptionsThenEnvironmentThenTheFileUpWrites(@TempDir Path home) throws Exception {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", home.toString());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ControlTarget.resolve(null, null, env)))
                .hasMessage("no control plane found: run ./sipfleet up or pass --url/--token");
        Path file = ControlTarget.file(env);
        assertThat(file).isEqualTo(home.resolve("sipfleet/control.json"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"url\": \"" + url + "/\", \"token\": \"" + token + "\"}");
        assertThat(ControlTarget.resolve(null, null, env)).isEqualTo(new ControlTarget(url, token));
        Map<String, String> withEnv = Map.of("XDG_CONFIG_HOME", home.toString(), "SIPFLEET_URL", "http://env:1",
                "SIPFLEET_TOKEN", "sft_env");
        assertThat(ControlTarget.resolve(null, null, withEnv)).isEqualTo(new ControlTarget("http://env:1", "sft_env"));
        assertThat(ControlTarget.resolve("http://opt:2", "sft_opt", withEnv)).isEqualTo(new ControlTarget("http://opt:2", "sft_opt"));
        assertThat(ControlTarget.file(Map.of("HOME", "/home/ops"))).isEqualTo(Path.of("/home/ops/.config/sipfleet/control.json"));
        // The file found, the API answered through it.
        assertThat(new ControlClient(ControlTarget.resolve(null, null, env)).get("/api/account/balance")
                .get("balance_cents").asLong()).isGreaterThan(0);
        Files.writeString(file, "{broken");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ControlTarget.resolve(null, null, env)))
                .hasMessageContaining("cannot read " + file);
    }

    @Test
    void operatorVerbsRecordPaymentsRunBillingAndRegisterMediaRelays(@TempDir Path data) throws Exception {
        long before = run("balance", "--json").json().get("balance_cents").asLong();
        Run paid = runRaw("operator", "top-up", Long.toString(account), "2500", "--url=" + url, "--token=" + OPERATOR, "--json");
        assertThat(paid.exit()).as(paid.err()).isZero();
        assertThat(paid.json().get("amount_cents").asLong()).isEqualTo(2500);
        assertThat(run("balance", "--json").json().get("balance_cents").asLong()).isEqualTo(before + 2500);
        Run asAccount = runRaw("operator", "top-up", Long.toString(account), "2500", "--url=" + url, "--token=" + token);
        assertThat(asAccount.exit()).isEqualTo(1);
        assertThat(asAccount.err()).contains("needs the operator token").contains("(HTTP 403)");
        assertThat(run("balance", "--json").json().get("balance_cents").asLong()).isEqualTo(before + 2500);

        Run billing = runRaw("operator", "billing-run", "--url=" + url, "--token=" + OPERATOR, "--json");
        assertThat(billing.exit()).as(billing.err()).isZero();
        assertThat(billing.json().has("expired")).isTrue();
        Run media = runRaw("operator", "media-register", "--address", "127.0.9.41", "--zone", "eu-west",
                "--alias", "media-41.example.com", "--url=" + url, "--token=" + OPERATOR, "--json");
        assertThat(media.exit()).as(media.err()).isZero();
        assertThat(media.json().get("zone").asString()).isEqualTo("eu-west");

        // Without --token: the operator-token file ./sipfleet control writes in the data folder.
        Map<String, String> env = Map.of("XDG_DATA_HOME", data.toString(), "XDG_CONFIG_HOME", data.resolve("cfg").toString());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ControlTarget.resolveOperator(url, null, env)))
                .hasMessageContaining("no operator token");
        Files.createDirectories(data.resolve("sipfleet"));
        Files.writeString(data.resolve("sipfleet/operator-token"), OPERATOR + "\n");
        ControlTarget target = ControlTarget.resolveOperator(null, null, Map.of("XDG_DATA_HOME", data.toString(),
                "XDG_CONFIG_HOME", data.resolve("cfg").toString(), "SIPFLEET_URL", url));
        assertThat(target).isEqualTo(new ControlTarget(url, OPERATOR));
        assertThat(ControlTarget.resolveOperator(null, null, env).url()).isEqualTo("http://127.0.0.1:8080");
    }
}
