package io.sipfleet.control.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.control.DatabaseTest;
import io.sipfleet.control.Databases;
import io.sipfleet.control.Fixtures;
import io.sipfleet.control.InvalidInputException;
import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.secret.Secrets;
import io.sipfleet.control.server.DeployRequest;
import io.sipfleet.control.server.InMemoryProvisioner;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerService;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Certificate upload checks, encryption at rest, and attaching to servers. */
class CertificateTest extends DatabaseTest {

    private final Secrets secrets = Secrets.ephemeral();

    private Instant ago() {
        return clock.instant().minus(Duration.ofDays(1));
    }

    private Instant later() {
        return clock.instant().plus(Duration.ofDays(90));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aGoodChainIsStoredWithItsNamesAndTheKeyOnlyEncrypted(Databases.Db db) {
        long account = Fixtures.readyAccount(Fixtures.accounts(db, clock), 100_00, email()).accountId();
        CertificateService certs = new CertificateService(db.db(), secrets, clock);
        TestCerts.Issued issued = TestCerts.withCa("sip.example.com", ago(), later(), "sip.example.com", "*.sip.example.com");
        Certificate c = certs.upload(account, "edge", "comment before the PEM\n" + issued.chainPem(), issued.keyPem());
        assertThat(c.sans()).isEqualTo("sip.example.com,*.sip.example.com");
        assertThat(c.subject()).isEqualTo("CN=sip.example.com");
        assertThat(c.notAfter()).isEqualTo(issued.cert().getNotAfter().toInstant());
        assertThat(c.chainPem()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("comment");
        assertThat(c.chainPem().split("BEGIN CERTIFICATE")).hasSize(3);
        String stored = db.db().jdbi().withHandle(h -> h.createQuery("SELECT key_enc FROM certificate WHERE id = :id")
                .bind("id", c.id()).mapTo(String.class).one());
        assertThat(stored).startsWith("v1:").doesNotContain("PRIVATE KEY");
        assertThat(certs.privateKeyPem(c)).isEqualTo(issued.keyPem().strip() + "\n");
        assertThat(certs.list(account)).extracting(Certificate::name).containsExactly("edge");

        // PKCS#8 ("BEGIN PRIVATE KEY"), as openssl writes by default, is accepted too.
        String pkcs8 = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(issued.keys().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(certs.upload(account, "edge-pkcs8", issued.chainPem(), pkcs8).fingerprintSha256())
                .isEqualTo(c.fingerprintSha256());
        assertThatThrownBy(() -> certs.upload(account, "edge", issued.chainPem(), issued.keyPem()))
                .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void badUploadsAreRefusedNamingTheProblem(Databases.Db db) {
        long account = Fixtures.readyAccount(Fixtures.accounts(db, clock), 100_00, email()).accountId();
        CertificateService certs = new CertificateService(db.db(), secrets, clock);
        TestCerts.Issued good = TestCerts.selfSigned("a.example.com", ago(), later(), "a.example.com");
        TestCerts.Issued other = TestCerts.selfSigned("b.example.com", ago(), later(), "b.example.com");
        TestCerts.Issued rsa = TestCerts.withCa("c.example.com", ago(), later(), "c.example.com");
        TestCerts.Issued expired = TestCerts.selfSigned("old.example.com", clock.instant().minus(Duration.ofDays(400)),
                clock.instant().minus(Duration.ofDays(35)), "old.example.com");
        TestCerts.Issued future = TestCerts.selfSigned("new.example.com", clock.instant().plus(Duration.ofDays(2)),
                later(), "new.example.com");
        TestCerts.Issued noSan = TestCerts.selfSigned("nosan.example.com", ago(), later());
        String reversed = rsa.chainPem().substring(rsa.chainPem().indexOf("-----BEGIN CERTIFICATE-----", 10))
                + rsa.chainPem().substring(0, rsa.chainPem().indexOf("-----BEGIN CERTIFICATE-----", 10));

        expectRefused(() -> certs.upload(account, "x", good.chainPem(), other.keyPem()),
                "private_key: does not match the certificate CN=a.example.com");
        expectRefused(() -> certs.upload(account, "x", good.chainPem(), rsa.keyPem()), "private_key: does not match");
        expectRefused(() -> certs.upload(account, "x", expired.chainPem(), expired.keyPem()), "certificate: expired at");
        expectRefused(() -> certs.upload(account, "x", future.chainPem(), future.keyPem()), "certificate: not valid before");
        expectRefused(() -> certs.upload(account, "x", noSan.chainPem(), noSan.keyPem()), "certificate: names no subjectAltName");
        expectRefused(() -> certs.upload(account, "x", reversed, rsa.keyPem()), "certificate: certificate 2 of the chain");
        expectRefused(() -> certs.upload(account, "x", "hello", good.keyPem()), "certificate: must be PEM");
        expectRefused(() -> certs.upload(account, "x", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                good.keyPem()), "certificate: is not a valid X.509");
        expectRefused(() -> certs.upload(account, "x", good.chainPem(), "garbage"), "private_key:");
        expectRefused(() -> certs.upload(account, "x", good.chainPem(), null), "private_key: is required");
        expectRefused(() -> certs.upload(account, "x", good.chainPem(),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"), "private_key: is encrypted");
        expectRefused(() -> certs.upload(account, "bad name!", good.chainPem(), good.keyPem()), "name:");
        assertThat(certs.list(account)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void attachAsServerOrClientReplacesThatKindAndDeleteNeedsItDetached(Databases.Db db) {
        long account = Fixtures.readyAccount(Fixtures.accounts(db, clock), 100_00, email()).accountId();
        ServerService servers = new ServerService(db.db(), clock, new InMemoryProvisioner());
        Server sw = servers.deploy(account, new DeployRequest("switch", "us-east", null));
        CertificateService certs = new CertificateService(db.db(), secrets, clock);
        TestCerts.Issued a = TestCerts.selfSigned("a.example.com", ago(), later(), "a.example.com");
        TestCerts.Issued b = TestCerts.selfSigned("b.example.com", ago(), later(), "b.example.com");
        long ca = certs.upload(account, "a", a.chainPem(), a.keyPem()).id();
        long cb = certs.upload(account, "b", b.chainPem(), b.keyPem()).id();
        long v0 = servers.get(account, sw.id()).configVersion();

        certs.attach(account, sw.id(), ca, "server");
        certs.attach(account, sw.id(), ca, "client");
        assertThat(certs.attach(account, sw.id(), cb, "server"))
                .extracting(CertificateDao.Attachment::kind, CertificateDao.Attachment::certificateId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("client", ca), org.assertj.core.groups.Tuple.tuple("server", cb));
        assertThat(servers.get(account, sw.id()).configVersion()).isGreaterThan(v0);
        expectRefused(() -> certs.attach(account, sw.id(), ca, "both"), "kind: must be \"server\" or \"client\"");
        expectRefused(() -> certs.attach(account, sw.id(), null, "server"), "certificate_id: is required");
        assertThatThrownBy(() -> certs.attach(account, sw.id(), 999_999_999L, "server")).isInstanceOf(NotFoundException.class);

        assertThatThrownBy(() -> certs.delete(account, ca))
                .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("detach it first");
        certs.detach(account, sw.id(), ca);
        certs.delete(account, ca);
        assertThat(certs.list(account)).extracting(Certificate::id).containsExactly(cb);
        assertThatThrownBy(() -> certs.detach(account, sw.id(), ca)).isInstanceOf(NotFoundException.class);
    }

    private static void expectRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(InvalidInputException.class).hasMessageStartingWith(message);
    }
}
