package io.sipfleet.switching.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchConfigTest {

    static String resource(String name) {
        try (InputStream in = SwitchConfigTest.class.getResourceAsStream("/config/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource /config/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The minimal document with {@code extra} (JSON members, comma-led) added at the top level. */
    static String minimalWith(String extra) {
        String min = resource("minimal.json").strip();
        return min.substring(0, min.length() - 1) + extra + "\n}";
    }

    static String problem(String json) {
        try {
            SwitchConfig.parse(json);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException for:\n" + json);
    }

    @Test
    void minimal_document_takes_every_default() throws Exception {
        SwitchConfig c = SwitchConfig.parse(resource("minimal.json"));

        assertThat(c.version()).isEqualTo(1);
        assertThat(c.listen()).containsExactly(new Listen("127.0.0.2", 5060, List.of(SipTransport.UDP, SipTransport.TCP)));
        assertThat(c.extraPorts()).isEqualTo(new ExtraPorts(List.of(), List.of()));
        assertThat(c.cpsLimit()).isZero();
        assertThat(c.channelLimit()).isZero();
        assertThat(c.capacityFailover()).isNull();
        assertThat(c.keepAlive()).isEqualTo(new KeepAlive(KeepAliveMode.OPTIONS, 30, 3, false));
        assertThat(c.sipUsers()).isEmpty();
        assertThat(c.registrar()).isEqualTo(new Registrar(60, 3600, 3600));
        assertThat(c.carrierRoutes()).isEmpty();
        assertThat(c.cdrFile()).isNull();
        assertThat(c.cdrPath()).isEmpty();
        assertThat(c.metricsPort()).isEqualTo(9090);
        assertThat(c.metricsAddress()).as("defaults to the first listen address").isEqualTo("127.0.0.2");
        assertThat(c.sessionTimeoutSeconds()).isEqualTo(7200);
        assertThat(c.allowedDestinations()).containsExactly("0.0.0.0/0", "::/0");
        assertThat(c.authFailure()).isEqualTo(new AuthFailure(10, 60, 600));
        assertThat(c.clusterId()).isNull();
        assertThat(c.storeUri()).isNull();
        assertThat(c.locationSharingPeers()).isEmpty();
        assertThat(c.locationSharing()).isFalse();
        assertThat(c.transactionLingerSeconds()).as("RFC 3261 64*T1").isEqualTo(32);
    }

    @Test
    void toJson_round_trips_and_writes_every_field_in_record_order() throws Exception {
        SwitchConfig c = SwitchConfig.parse(resource("minimal.json"));
        String json = c.toJson();

        assertThat(SwitchConfig.parse(json)).isEqualTo(c);
        int last = -1;
        for (var component : SwitchConfig.class.getRecordComponents()) {
            int at = json.indexOf('"' + component.getName() + '"');
            assertThat(at).as(component.getName()).isGreaterThan(last);
            last = at;
        }
        assertThat(json).contains("\"options\"").contains("\"udp\"").doesNotContain("routeTable").doesNotContain("cdrPath");
    }

    @Test
    void every_default_literal_parses_to_its_record() {
        assertThat(ConfigJson.defaults(KeepAlive.class)).isEqualTo(new KeepAlive(KeepAliveMode.OPTIONS, 30, 3, false));
        assertThat(ConfigJson.defaults(Registrar.class)).isEqualTo(new Registrar(60, 3600, 3600));
        assertThat(ConfigJson.defaults(AuthFailure.class)).isEqualTo(new AuthFailure(10, 60, 600));
        assertThat(ConfigJson.defaults(ExtraPorts.class)).isEqualTo(new ExtraPorts(List.of(), List.of()));
    }

    @Test
    void bad_value_is_named_by_its_json_path() {
        assertThat(problem(resource("routes.json"))).isEqualTo("carrierRoutes[2].cpsLimit: must be >= 0, was -5");
    }

    @Test
    void bad_ha1_is_named_without_echoing_the_secret() {
        String msg = problem(minimalWith("""
                , "sipUsers": [ { "aor": "sip:1001@test.local", "authUser": "1001", "ha1Md5": "ABCDEF0123456789ABCDEF0123456789" } ]"""));
        assertThat(msg).isEqualTo("sipUsers[0].ha1Md5: must be 32 lowercase hex digits");
    }

    @Test
    void user_needs_at_least_one_ha1() {
        assertThat(problem(minimalWith("""
                , "sipUsers": [ { "aor": "sip:1001@test.local", "authUser": "1001" } ]""")))
                .isEqualTo("sipUsers[0]: needs ha1Md5 or ha1Sha256 (or both); compute them with ./sipfleet ha1 <user> <realm>");
    }

    @Test
    void clear_text_password_is_refused_with_the_way_to_compute_ha1() {
        String msg = problem(minimalWith("""
                , "sipUsers": [ { "aor": "sip:1001@test.local", "authUser": "1001", "password": "secret1001" } ]"""));
        assertThat(msg).startsWith("sipUsers[0].password: clear-text passwords are not accepted")
                .contains("HA1").contains("./sipfleet ha1 <user> <realm>")
                .doesNotContain("secret1001");
    }

    @Test
    void unknown_field_is_refused_by_name_with_the_known_ones() {
        assertThat(problem(minimalWith(", \"keepAlive\": { \"intervalSecs\": 20 }")))
                .isEqualTo("keepAlive.intervalSecs: unknown field in KeepAlive;"
                        + " known fields: mode, intervalSeconds, lostPingLimit, disabled");
        assertThat(problem(minimalWith(", \"cpsLimits\": 5"))).startsWith("cpsLimits: unknown field in SwitchConfig");
    }

    @Test
    void missing_required_field_is_named() {
        assertThat(problem("{ \"version\": 1, \"serverId\": \"a\", \"listen\": [ { \"address\": \"127.0.0.2\" } ] }"))
                .isEqualTo("realm: required field missing");
        assertThat(problem(minimalWith(", \"carrierRoutes\": [ { \"prefix\": \"1\", \"gateway\": \"sip:10.0.0.1\" } ]")))
                .isEqualTo("carrierRoutes[0].name: required field missing");
    }

    @Test
    void wrong_types_are_refused_not_coerced() {
        assertThat(problem(minimalWith(", \"cpsLimit\": \"5\""))).isEqualTo("cpsLimit: must be an integer, was \"5\"");
        assertThat(problem(minimalWith(", \"cpsLimit\": 5.5"))).isEqualTo("cpsLimit: must be an integer, was 5.5");
        assertThat(problem(minimalWith(", \"channelLimit\": 3000000000"))).isEqualTo("channelLimit: must be an integer, was 3000000000");
        assertThat(problem(minimalWith(", \"locationSharing\": \"yes\""))).isEqualTo("locationSharing: must be true or false, was \"yes\"");
        assertThat(problem(minimalWith(", \"keepAlive\": { \"mode\": \"ping\" }"))).isEqualTo("keepAlive.mode: must be one of crlf, options, was \"ping\"");
        assertThat(problem(minimalWith(", \"registrar\": 5"))).isEqualTo("registrar: must be a JSON object, was 5");
        assertThat(problem(minimalWith(", \"allowedDestinations\": \"0.0.0.0/0\""))).isEqualTo("allowedDestinations: must be a JSON array, was \"0.0.0.0/0\"");
        assertThat(problem(minimalWith(", \"locationSharingPeers\": [ \"a\", null ]"))).isEqualTo("locationSharingPeers[1]: must not be null");
        assertThat(problem(minimalWith(", \"keepAlive\": null"))).isEqualTo("keepAlive: must not be null");
    }

    @Test
    void every_problem_is_reported_at_once() {
        String msg = problem(minimalWith(", \"cpsLimit\": -1, \"channelLimit\": -2, \"bogus\": 1"));
        assertThat(msg).isEqualTo("bogus: unknown field in SwitchConfig; known fields: "
                + String.join(", ", java.util.Arrays.stream(SwitchConfig.class.getRecordComponents()).map(c -> c.getName()).toList()));
        // Shape problems stop before the range checks; once the shape is right, all range problems show.
        assertThatThrownBy(() -> SwitchConfig.parse(minimalWith(", \"cpsLimit\": -1, \"channelLimit\": -2")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigException.Problem::path).containsExactly("cpsLimit", "channelLimit");
                    assertThat(e.getMessage()).isEqualTo("cpsLimit: must be >= 0, was -1; channelLimit: must be >= 0, was -2");
                });
    }

    @Test
    void json_syntax_errors_give_line_and_field() {
        String msg = problem("{\n  \"version\": 1,\n  \"serverId\": \"a\",\n  \"realm\": \"x\",\n  \"realm\": \"y\"\n}");
        assertThat(msg).startsWith("invalid JSON at line 5, column 10, near realm: Duplicate Object property \"realm\"");
        assertThat(problem("{ \"version\": 1, }")).startsWith("invalid JSON at line 1, column 17, near version: Unexpected character");
        assertThat(problem("")).isEqualTo("empty document: expected a JSON object");
        assertThat(problem("[1]")).isEqualTo("expected a JSON object, was an array");
        assertThat(problem("{} {}")).startsWith("invalid JSON");
    }

    @Test
    void semantic_rules() throws Exception {
        assertThat(problem(minimalWith(", \"metricsPort\": 70000"))).isEqualTo("metricsPort: must be between 0 and 65535, was 70000");
        assertThat(problem(resource("minimal.json").replace("127.0.0.2", "switch.example.com")))
                .startsWith("listen[0].address: must be an IP address (not a host name)");
        assertThat(problem(resource("minimal.json").replace("127.0.0.2", "10.1"))).startsWith("listen[0].address");
        assertThat(problem(minimalWith(", \"registrar\": { \"minExpiresSeconds\": 600, \"maxExpiresSeconds\": 300 }")))
                .contains("registrar.maxExpiresSeconds: must be >= registrar.minExpiresSeconds (600), was 300");
        assertThat(problem(minimalWith(", \"allowedDestinations\": [ \"10.0.0.0/33\" ]")))
                .isEqualTo("allowedDestinations[0]: prefix length must be 0..32, was \"10.0.0.0/33\"");
        assertThat(problem(minimalWith(", \"allowedDestinations\": []"))).startsWith("allowedDestinations: must not be empty");
        assertThat(problem(minimalWith(", \"capacityFailover\": \"http://x\""))).isEqualTo("capacityFailover: must be a sip: or sips: URI, was \"http://x\"");
        assertThat(problem(minimalWith(", \"carrierRoutes\": [ { \"prefix\": \"+44\", \"gateway\": \"sip:10.0.0.1\", \"name\": \"uk\" } ]")))
                .startsWith("carrierRoutes[0].prefix: must be digits only");
        assertThat(problem(minimalWith(", \"extraPorts\": { \"udp\": [ 5060 ] }")))
                .isEqualTo("extraPorts.udp[0]: opens udp 127.0.0.2:5060 a second time");
        assertThat(problem(minimalWith(", \"sipUsers\": [ { \"aor\": \"sip:test.local\", \"authUser\": \"x\", \"ha1Md5\": \"" + "0".repeat(32) + "\" } ]")))
                .startsWith("sipUsers[0].aor: must have a user part");
        assertThat(problem(minimalWith(", \"storeUri\": \"redis\""))).startsWith("storeUri: must be an absolute URI with a host");
        assertThat(problem(minimalWith(", \"clusterId\": \"c1\", \"storeUri\": \"redis-cluster://\"")))
                .startsWith("storeUri: a Redis Cluster is \"redis-cluster://host:port[,host:port...]\"");
        assertThat(SwitchConfig.parse(minimalWith(", \"clusterId\": \"c1\", \"storeUri\": \"redis-cluster://10.0.0.1:6379,10.0.0.2:6379\""))
                .storeUri()).isEqualTo("redis-cluster://10.0.0.1:6379,10.0.0.2:6379");
        assertThat(problem(minimalWith(", \"clustering\": { \"storeFailMode\": \"half-open\" }"))).contains("clustering.storeFailMode");
        assertThat(problem(minimalWith(", \"clustering\": { \"channelLeaseTtlSeconds\": 1 }")))
                .isEqualTo("clustering.channelLeaseTtlSeconds: must be >= 3, was 1");
        assertThat(problem(minimalWith(", \"locationSharingPeers\": [ \"sw-test\" ]"))).isEqualTo("locationSharingPeers[0]: is this server's own serverId");
        assertThat(problem(minimalWith(", \"transactionLingerSeconds\": 0")))
                .isEqualTo("transactionLingerSeconds: must be between 1 and 32, was 0");
        assertThat(SwitchConfig.parse(minimalWith(", \"transactionLingerSeconds\": 5")).transactionLingerSeconds()).isEqualTo(5);
    }

    @Test
    void upstream_registrations_take_defaults_and_bad_ones_are_named_without_the_password() throws Exception {
        SwitchConfig ok = SwitchConfig.parse(minimalWith("""
                , "upstreamRegistrations": [ { "registrar": "sip:sip.carrier.example:5060", "username": "trunk1", "password": "s3cret!" } ]"""));
        assertThat(ok.upstreamRegistrations()).containsExactly(
                new UpstreamRegistration("sip:sip.carrier.example:5060", "trunk1", "s3cret!", 3600, 30));
        assertThat(ok.toString()).doesNotContain("s3cret!");
        assertThat(SwitchConfig.parse(resource("minimal.json")).upstreamRegistrations()).isEmpty();

        assertThat(problem(minimalWith("""
                , "upstreamRegistrations": [ { "registrar": "sip:trunk1@carrier.example", "username": "trunk1", "password": "s3cret!" } ]""")))
                .startsWith("upstreamRegistrations[0].registrar: must name the registrar's host without a user part");
        assertThat(problem(minimalWith("""
                , "upstreamRegistrations": [ { "registrar": "sip:carrier.example;transport=tcp", "username": "t", "password": "p" } ]""")))
                .startsWith("upstreamRegistrations[0].registrar: only UDP registrars are supported");
        assertThat(problem(minimalWith("""
                , "upstreamRegistrations": [ { "registrar": "http://carrier.example", "username": "t", "password": "p" } ]""")))
                .startsWith("upstreamRegistrations[0].registrar: must be a sip: or sips: URI");
        assertThat(problem(minimalWith("""
                , "upstreamRegistrations": [ { "registrar": "sip:carrier.example", "username": "t" } ]""")))
                .isEqualTo("upstreamRegistrations[0].password: required field missing");
        String bad = problem(minimalWith("""
                , "upstreamRegistrations": [ { "registrar": "sip:carrier.example", "username": "a b", "password": "p\\u0007w", "expiresSeconds": 0 } ]"""));
        assertThat(bad).contains("upstreamRegistrations[0].username: must be a SIP user part")
                .contains("upstreamRegistrations[0].password: must be 1 or more characters without control characters")
                .contains("upstreamRegistrations[0].expiresSeconds: must be >= 1, was 0");
        assertThat(problem(minimalWith("""
                , "upstreamRegistrations": [ { "registrar": "sip:carrier.example", "username": "t", "password": "p" },
                                             { "registrar": "sip:carrier.example", "username": "t", "password": "q" } ]""")))
                .isEqualTo("upstreamRegistrations[1]: t at sip:carrier.example is listed twice");
    }

    @Test
    void ipv6_listen_and_cluster_fields() throws Exception {
        SwitchConfig c = SwitchConfig.parse("""
                { "version": 9, "serverId": "sw-2", "realm": "r",
                  "listen": [ { "address": "::1", "port": 5070, "transports": ["tcp"] } ],
                  "metricsAddress": "127.0.0.1",
                  "clusterId": "eu-1", "storeUri": "redis://127.0.0.1:6379",
                  "locationSharingPeers": [ "sw-1", "10.0.0.3:5060" ], "locationSharing": true }
                """);
        assertThat(c.listen().get(0).address()).isEqualTo("::1");
        assertThat(c.metricsAddress()).isEqualTo("127.0.0.1");
        assertThat(c.storeUri()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(c.locationSharingPeers()).containsExactly("sw-1", "10.0.0.3:5060");
    }

    @Test
    void ha1_never_appears_in_toString() throws Exception {
        SipUser u = new SipUser("sip:1@x", "1", "0".repeat(32), null);
        assertThat(u.toString()).doesNotContain("0".repeat(32)).contains("ha1Md5=***").contains("ha1Sha256=none");
    }

    @Test
    void programmatic_snapshots_are_validated_too() throws Exception {
        SwitchConfig c = SwitchConfig.parse(resource("minimal.json"));
        SwitchConfig bad = new SwitchConfig(1, "sw-test", c.listen(), c.extraPorts(), -3, 0, null, c.keepAlive(),
                "r", List.of(), c.registrar(), List.of(), null, 9090, null, 7200, c.allowedDestinations(),
                c.authFailure(), null, null, List.of(), false, List.of("MD5"), List.of(), false, null, "active", new Clustering(Clustering.StoreFailMode.CLOSED, 0, Clustering.CapacityFailoverMode.REDIRECT, 90), List.of(), 32);
        assertThatThrownBy(bad::validate).isInstanceOf(ConfigException.class).hasMessage("cpsLimit: must be >= 0, was -3");
        SwitchConfig noListen = new SwitchConfig(1, "sw-test", null, c.extraPorts(), 0, 0, null, c.keepAlive(),
                "r", List.of(), c.registrar(), List.of(), null, 9090, null, 7200, c.allowedDestinations(),
                c.authFailure(), null, null, List.of(), false, List.of("MD5"), List.of(), false, null, "active", new Clustering(Clustering.StoreFailMode.CLOSED, 0, Clustering.CapacityFailoverMode.REDIRECT, 90), List.of(), 32);
        assertThatThrownBy(noListen::validate).hasMessage("listen: required field missing");
    }
}
