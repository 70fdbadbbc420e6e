package io.sipfleet.control.serverconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.control.DatabaseTest;
import io.sipfleet.control.Databases;
import io.sipfleet.control.Fixtures;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.account.AccountService;
import io.sipfleet.control.certificate.CertificateService;
import io.sipfleet.control.certificate.TestCerts;
import io.sipfleet.control.cluster.ClusterService;
import io.sipfleet.control.config.SnapshotService;
import io.sipfleet.control.secret.Secrets;
import io.sipfleet.control.server.DeployRequest;
import io.sipfleet.control.server.InMemoryProvisioner;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerService;
import io.sipfleet.switching.config.SwitchConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Server config: every rule, nothing half-saved, and what reaches the switch's snapshot. */
class ServerSettingsTest extends DatabaseTest {

    private final Secrets secrets = Secrets.ephemeral();

    /** An account with a cluster of two switches and a dispatcher, and the services over them. */
    private final class Fleet {
        final long account;
        final long cluster;
        final Server sw1;
        final Server sw2;
        final Server dispatcher;
        final Server loner;
        final ServerService servers;
        final ServerSettingsService settings;
        final SnapshotService snapshots;
        final CertificateService certs;

        Fleet(Databases.Db db) {
            AccountService accounts = Fixtures.accounts(db, clock);
            account = Fixtures.readyAccount(accounts, 200_00, email()).accountId();
            servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
            cluster = new ClusterService(db.db(), clock).create(account, "edge").id();
            sw1 = servers.deploy(account, new DeployRequest("switch", "us-east", cluster));
            sw2 = servers.deploy(account, new DeployRequest("switch", "us-east", cluster));
            dispatcher = servers.deploy(account, new DeployRequest("dispatcher", "us-east", cluster));
            loner = servers.deploy(account, new DeployRequest("switch", "eu-west", null));
            settings = new ServerSettingsService(db.db(), secrets, clock);
            snapshots = new SnapshotService(db.db(), SnapshotService.DEFAULT_CLUSTER_STORE, secrets);
            certs = new CertificateService(db.db(), secrets, clock);
        }

        ServerSettings put(Server s, String json) {
            ServerSettings body = io.sipfleet.control.api.Json.MAPPER.readValue(json, ServerSettings.class);
            Set<String> present = new java.util.HashSet<>();
            io.sipfleet.control.api.Json.MAPPER.readTree(json).propertyNames().forEach(present::add);
            return settings.save(account, s.id(), body, present);
        }

        SwitchConfig snapshot(Server s) throws Exception {
            return SwitchConfig.parse(snapshots.snapshot(account, s.id()).json());
        }

        long version(Server s) {
            return servers.get(account, s.id()).configVersion();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void defaultsThenASaveReachesTheSwitchSnapshotWithANewVersion(Databases.Db db) throws Exception {
        Fleet f = new Fleet(db);
        ServerSettings d = f.settings.get(f.account, f.loner.id());
        assertThat(d.region()).isEqualTo("EU");
        assertThat(d.clusterId()).isNull();
        assertThat(d.restrictDirect()).isFalse();
        assertThat(d.extraUdpPorts()).isEmpty();
        SwitchConfig before = f.snapshot(f.sw1);
        assertThat(before.serviceState()).isEqualTo("active");
        assertThat(before.locationSharingPeers()).containsExactly("switch-" + f.sw2.id() + "=sip:" + f.sw2.address() + ":5060");
        assertThat(before.dispatchers()).containsExactly(f.dispatcher.address());

        ServerSettings saved = f.put(f.sw1, """
                {"disable_uac_ping": true, "restrict_direct": true, "extra_udp_ports": [5080, 5070],
                 "extra_tcp_ports": [5090], "capacity_failover_server_id": %d, "auto_upgrade": true,
                 "trace_collector": "homer.example.com:9060", "tcp_sip_trace": true, "region": "eu",
                 "interconnect": true, "tls_internals": true}""".formatted(f.sw2.id()));
        assertThat(saved.extraUdpPorts()).containsExactly(5070, 5080);
        assertThat(saved.region()).isEqualTo("EU");
        assertThat(saved.autoUpgrade()).isTrue();
        assertThat(saved.capacityFailoverServerId()).isEqualTo(f.sw2.id());

        SwitchConfig after = f.snapshot(f.sw1);
        assertThat(after.version()).isGreaterThan(before.version());
        assertThat(after.keepAlive().disabled()).isTrue();
        assertThat(after.restrictDirect()).isTrue();
        assertThat(after.dispatchers()).containsExactly(f.dispatcher.address());
        assertThat(after.extraPorts().udp()).containsExactly(5070, 5080);
        assertThat(after.extraPorts().tcp()).containsExactly(5090);
        assertThat(after.capacityFailover()).isEqualTo("sip:" + f.sw2.address() + ":5060");

        // A partial save changes only what it names.
        ServerSettings partial = f.put(f.sw1, "{\"disable_uac_ping\": false}");
        assertThat(partial.disableUacPing()).isFalse();
        assertThat(partial.restrictDirect()).isTrue();
        assertThat(partial.extraUdpPorts()).containsExactly(5070, 5080);
        assertThat(f.snapshot(f.sw1).keepAlive().disabled()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyBadCombinationIsRefusedByNameAndNothingIsSaved(Databases.Db db) throws Exception {
        Fleet f = new Fleet(db);
        f.put(f.sw1, "{\"fqdn\": \"sw1.example.com\", \"extra_udp_ports\": [5080]}");
        ServerSettings before = f.settings.get(f.account, f.sw1.id());
        long version = f.version(f.sw1);
        long clusterBefore = f.servers.get(f.account, f.sw1.id()).clusterId();

        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"tls\": true, \"fqdn\": null}", "tls: needs fqdn");
        cases.put("{\"webrtc\": true, \"fqdn\": null}", "webrtc: needs fqdn");
        cases.put("{\"tls\": true}", "tls: needs a server certificate");
        cases.put("{\"fqdn\": \"not a name\"}", "fqdn:");
        cases.put("{\"fqdn\": \"localhost\"}", "fqdn:");
        cases.put("{\"fqdn\": \"-bad.example.com\"}", "fqdn:");
        cases.put("{\"extra_udp_ports\": [70000]}", "extra_udp_ports[0]: must be a port 1..65535");
        cases.put("{\"extra_udp_ports\": [0]}", "extra_udp_ports[0]:");
        cases.put("{\"extra_tcp_ports\": [5060]}", "extra_tcp_ports[0]: 5060 is always open");
        cases.put("{\"extra_udp_ports\": [5080, 5080]}", "extra_udp_ports[1]: port 5080 is listed twice");
        cases.put("{\"extra_tls_ports\": [5062]}", "extra_tls_ports: need tls");
        cases.put("{\"tcp_sip_trace\": true, \"trace_collector\": null}", "tcp_sip_trace: needs trace_collector");
        cases.put("{\"trace_collector\": \"no-port\"}", "trace_collector:");
        cases.put("{\"region\": \"APAC\"}", "region:");
        cases.put("{\"uac_location_sharing\": true}", "uac_location_sharing: the server is in cluster");
        cases.put("{\"capacity_failover_server_id\": " + f.sw1.id() + "}", "capacity_failover_server_id: must be another server");
        cases.put("{\"capacity_failover_server_id\": " + f.loner.id() + "}", "capacity_failover_server_id: server "
                + f.loner.id() + " is in no cluster");
        cases.put("{\"capacity_failover_server_id\": " + f.dispatcher.id() + "}", "capacity_failover_server_id: server "
                + f.dispatcher.id() + " is a dispatcher");
        cases.put("{\"cluster_id\": null, \"capacity_failover_server_id\": " + f.sw2.id() + "}",
                "capacity_failover_server_id: needs this server in a cluster");
        cases.put("{\"auto_upgrade\": null}", "auto_upgrade: must be true or false");
        cases.put("{\"extra_udp_ports\": null}", "extra_udp_ports: must be a list");
        cases.put("{\"uac_registrations\": [{\"registrar\": \"sip:reg.example.com\", \"username\": \"u1\"}]}",
                "uac_registrations[0].password: is required for a new registration");
        cases.put("{\"uac_registrations\": [{\"registrar\": \"http://x\", \"username\": \"u1\", \"password\": \"p\"}]}",
                "uac_registrations[0].registrar:");
        cases.put("{\"uac_registrations\": [{\"registrar\": \"sip:r.example.com\", \"username\": \"u1\", \"password\": \"p\","
                + " \"expires_seconds\": 10}]}", "uac_registrations[0].expires_seconds: must be 60..86400");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThatThrownBy(() -> f.put(f.sw1, c.getKey())).as(c.getKey())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(c.getValue());
            assertThat(f.settings.get(f.account, f.sw1.id())).as("after " + c.getKey()).isEqualTo(before);
            assertThat(f.version(f.sw1)).as("version after " + c.getKey()).isEqualTo(version);
            assertThat(f.servers.get(f.account, f.sw1.id()).clusterId()).isEqualTo(clusterBefore);
        }
        // Another account's cluster, or an unknown server as failover target: 404, as if it did not exist.
        long other = Fixtures.readyAccount(Fixtures.accounts(db, clock), 100_00, email()).accountId();
        long foreignCluster = new ClusterService(db.db(), clock).create(other, "theirs").id();
        assertThatThrownBy(() -> f.put(f.sw1, "{\"cluster_id\": " + foreignCluster + "}")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> f.put(f.sw1, "{\"capacity_failover_server_id\": 999999999}")).isInstanceOf(NotFoundException.class);
        assertThat(f.version(f.sw1)).isEqualTo(version);

        // Restrict Direct on a switch with no dispatcher in front of it: refused.
        Server alone = f.servers.deploy(other, new DeployRequest("switch", "us-east", null));
        ServerSettings restrict = new ServerSettings(null, null, null, null, null, null, null, null, null, null, true,
                null, null, null, null, null, null, null);
        assertThatThrownBy(() -> f.settings.save(other, alone.id(), restrict, Set.of("restrict_direct")))
                .hasMessageStartingWith("restrict_direct: no dispatcher of this account is in front");
        // A failover target cannot leave the cluster while another member points at it.
        f.put(f.sw1, "{\"capacity_failover_server_id\": " + f.sw2.id() + "}");
        assertThatThrownBy(() -> f.put(f.sw2, "{\"cluster_id\": null}"))
                .hasMessageStartingWith("cluster_id: server(s) [" + f.sw1.id() + "] use this server");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tlsAndWebRtcNeedFqdnAndACoveringValidServerCertificate(Databases.Db db) throws Exception {
        Fleet f = new Fleet(db);
        var wrongName = TestCerts.selfSigned("other", clock.instant().minus(Duration.ofDays(1)),
                clock.instant().plus(Duration.ofDays(90)), "other.example.net");
        var right = TestCerts.withCa("sw1", clock.instant().minus(Duration.ofDays(1)),
                clock.instant().plus(Duration.ofDays(90)), "*.example.com");
        long wrongId = f.certs.upload(f.account, "wrong", wrongName.chainPem(), wrongName.keyPem()).id();
        long rightId = f.certs.upload(f.account, "right", right.chainPem(), right.keyPem()).id();
        f.put(f.sw1, "{\"fqdn\": \"sw1.example.com\"}");

        f.certs.attach(f.account, f.sw1.id(), wrongId, "client");
        assertThatThrownBy(() -> f.put(f.sw1, "{\"tls\": true}")).hasMessageStartingWith("tls: needs a server certificate");
        f.certs.attach(f.account, f.sw1.id(), wrongId, "server");
        assertThatThrownBy(() -> f.put(f.sw1, "{\"webrtc\": true}"))
                .hasMessageStartingWith("webrtc: the attached server certificate 'wrong' does not cover fqdn sw1.example.com");
        f.certs.attach(f.account, f.sw1.id(), rightId, "server");
        ServerSettings on = f.put(f.sw1, "{\"tls\": true, \"webrtc\": true, \"extra_tls_ports\": [5063]}");
        assertThat(on.tls()).isTrue();
        assertThat(on.extraTlsPorts()).containsExactly(5063);
        // While TLS is on, the FQDN cannot move off the certificate, nor the certificate go.
        assertThatThrownBy(() -> f.put(f.sw1, "{\"fqdn\": \"sw1.example.org\"}")).hasMessageContaining("does not cover fqdn");
        assertThatThrownBy(() -> f.certs.detach(f.account, f.sw1.id(), rightId)).hasMessageContaining("tls or webrtc on");
        assertThatThrownBy(() -> f.certs.attach(f.account, f.sw1.id(), wrongId, "server"))
                .hasMessageContaining("does not cover the server's fqdn");
        // And once the certificate has expired, TLS cannot be (re)saved.
        clock.advance(Duration.ofDays(91));
        assertThatThrownBy(() -> f.put(f.sw1, "{\"tls\": true}")).hasMessageContaining("expired at");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void uacPasswordsAreStoredEncryptedAndKeptWhenLeftOut(Databases.Db db) throws Exception {
        Fleet f = new Fleet(db);
        ServerSettings saved = f.put(f.sw1, """
                {"uac_registrations": [{"registrar": "sip:reg.carrier.example:5060", "username": "acme",
                  "password": "Sup3r-Secret!", "expires_seconds": 600}]}""");
        assertThat(saved.uacRegistrations()).singleElement().satisfies(r -> {
            assertThat(r.password()).isNull();
            assertThat(r.expiresSeconds()).isEqualTo(600);
        });
        String stored = db.db().jdbi().withHandle(h -> h.createQuery(
                "SELECT password_enc FROM uac_registration WHERE server_id = :id").bind("id", f.sw1.id())
                .mapTo(String.class).one());
        assertThat(stored).startsWith("v1:").doesNotContain("Sup3r-Secret!");
        assertThat(secrets.decrypt("uac-password", stored)).isEqualTo("Sup3r-Secret!");
        assertThatThrownBy(() -> Secrets.ephemeral().decrypt("uac-password", stored))
                .hasMessageContaining("wrong secret key");
        assertThatThrownBy(() -> secrets.decrypt("certificate-key", stored)).hasMessageContaining("cannot decrypt");

        // GET-edit-PUT: the registration comes back without its password and keeps it.
        f.put(f.sw1, """
                {"uac_registrations": [{"registrar": "sip:reg.carrier.example:5060", "username": "acme",
                  "password": null, "expires_seconds": 900}]}""");
        List<ServerSettings.UacRegistration> clear = db.db().jdbi().withHandle(h ->
                f.settings.registrationsWithPasswords(h, f.sw1.id()));
        assertThat(clear).singleElement().satisfies(r -> {
            assertThat(r.password()).isEqualTo("Sup3r-Secret!");
            assertThat(r.expiresSeconds()).isEqualTo(900);
        });
        // The switch must answer the registrar's challenges: its snapshot (only) carries the password.
        SwitchConfig node = SwitchConfig.parse(f.snapshots.snapshot(f.account, f.sw1.id()).json());
        assertThat(node.upstreamRegistrations()).singleElement().satisfies(r -> {
            assertThat(r.registrar()).isEqualTo("sip:reg.carrier.example:5060");
            assertThat(r.username()).isEqualTo("acme");
            assertThat(r.password()).isEqualTo("Sup3r-Secret!");
            assertThat(r.expiresSeconds()).isEqualTo(900);
            assertThat(r.toString()).doesNotContain("Sup3r-Secret!");
        });
        assertThat(node.toString()).doesNotContain("Sup3r-Secret!");
        assertThat(f.settings.get(f.account, f.sw1.id()).toString()).doesNotContain("Sup3r-Secret!");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void locationSharingPeersAreTheOtherUnclusteredSharingSwitches(Databases.Db db) throws Exception {
        Fleet f = new Fleet(db);
        Server second = f.servers.deploy(f.account, new DeployRequest("switch", "us-east", null));
        f.put(f.loner, "{\"uac_location_sharing\": true}");
        assertThat(f.snapshot(f.loner).locationSharingPeers()).isEmpty();
        f.put(second, "{\"uac_location_sharing\": true}");
        SwitchConfig loner = f.snapshot(f.loner);
        assertThat(loner.locationSharing()).isTrue();
        assertThat(loner.locationSharingPeers()).containsExactly(
                second.serverId() + "=sip:" + second.address() + ":5060;feed=9090");
        assertThat(f.snapshot(second).locationSharingPeers()).containsExactly(
                f.loner.serverId() + "=sip:" + f.loner.address() + ":5060;feed=9090");
        // Joining a cluster through the config: the members become its peers instead.
        f.put(second, "{\"uac_location_sharing\": false, \"cluster_id\": " + f.cluster + "}");
        assertThat(f.snapshot(second).clusterId()).isEqualTo("cluster-" + f.cluster);
        assertThat(f.snapshot(second).locationSharingPeers()).hasSize(2);
        assertThat(f.snapshot(f.loner).locationSharingPeers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void clusterMembersShareOneNonceKeyAndTheClusterEndpointKeepsTheRules(Databases.Db db) throws Exception {
        Fleet f = new Fleet(db);
        SwitchConfig one = f.snapshot(f.sw1);
        SwitchConfig two = f.snapshot(f.sw2);
        assertThat(one.nonceSecret()).matches("[0-9a-f]{64}").isEqualTo(two.nonceSecret());
        assertThat(f.snapshot(f.loner).nonceSecret()).isNull();
        assertThat(f.snapshot(f.sw1)).as("stable once made").isEqualTo(one);

        // PUT /api/servers/{id}/cluster goes through the same rules as a config save.
        f.put(f.sw1, "{\"capacity_failover_server_id\": " + f.sw2.id() + "}");
        assertThatThrownBy(() -> f.servers.assignCluster(f.account, f.sw2.id(), null))
                .hasMessageStartingWith("cluster_id: server(s) [" + f.sw1.id() + "] use this server");
        assertThatThrownBy(() -> f.servers.assignCluster(f.account, f.sw1.id(), null))
                .hasMessageStartingWith("capacity_failover_server_id: needs this server in a cluster");
        f.put(f.loner, "{\"uac_location_sharing\": true}");
        assertThatThrownBy(() -> f.servers.assignCluster(f.account, f.loner.id(), f.cluster))
                .hasMessageStartingWith("uac_location_sharing: the server is in cluster");
        assertThat(f.servers.get(f.account, f.loner.id()).clusterId()).isNull();
        f.put(f.loner, "{\"uac_location_sharing\": false}");
        long before = f.version(f.sw1);
        f.servers.assignCluster(f.account, f.loner.id(), f.cluster);
        assertThat(f.version(f.sw1)).as("members see the newcomer as a peer").isGreaterThan(before);
        assertThat(f.snapshot(f.sw1).locationSharingPeers()).hasSize(2);
        assertThat(f.snapshot(f.loner).nonceSecret()).isEqualTo(one.nonceSecret());
    }
}
