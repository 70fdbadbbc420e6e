package io.sipfleet.control.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.control.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates and keys as an operator makes them with the openssl command line (an independent
 * implementation), in the forms it writes: PKCS#8, traditional RSA, and EC with its parameters block.
 */
class OpensslCertificateTest {

    @TempDir Path dir;

    private static boolean opensslPresent() {
        try {
            return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    private String read(String name) throws Exception {
        return Files.readString(dir.resolve(name));
    }

    @Test
    void keysInEveryFormOpensslWritesMatchTheirCertificates() throws Exception {
        assumeTrue(opensslPresent(), "openssl not installed");
        Instant now = Instant.now();
        // EC key with the EC PARAMETERS block first (openssl ecparam -genkey).
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.pem");
        openssl("req", "-x509", "-key", "ec.pem", "-out", "ec.crt", "-days", "30", "-subj", "/CN=sip.example.com",
                "-addext", "subjectAltName=DNS:sip.example.com,DNS:*.sip.example.com");
        PemBundle ec = PemBundle.parse(read("ec.crt"), read("ec.pem"), now);
        assertThat(PemBundle.sans(ec.leaf())).containsExactly("sip.example.com", "*.sip.example.com");

        // RSA, PKCS#8 (the default of openssl req -newkey) and the traditional form.
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa8.pem", "-out", "rsa.crt", "-days", "30",
                "-subj", "/CN=edge.example.com", "-addext", "subjectAltName=DNS:edge.example.com,IP:203.0.113.7");
        assertThat(read("rsa8.pem")).contains("BEGIN PRIVATE KEY");
        assertThat(PemBundle.sans(PemBundle.parse(read("rsa.crt"), read("rsa8.pem"), now).leaf()))
                .containsExactly("edge.example.com", "203.0.113.7");
        openssl("rsa", "-in", "rsa8.pem", "-traditional", "-out", "rsa1.pem");
        assertThat(read("rsa1.pem")).contains("BEGIN RSA PRIVATE KEY");
        PemBundle.parse(read("rsa.crt"), read("rsa1.pem"), now);

        // One's key with the other's certificate, and a passphrase-protected key: refused by name.
        assertThatThrownBy(() -> PemBundle.parse(read("rsa.crt"), read("ec.pem"), now))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("private_key: does not match");
        openssl("pkey", "-in", "rsa8.pem", "-aes256", "-passout", "pass:secret", "-out", "locked.pem");
        assertThatThrownBy(() -> PemBundle.parse(read("rsa.crt"), read("locked.pem"), now))
                .hasMessageStartingWith("private_key: is encrypted");
    }
}
