package io.sipfleet.control.certificate;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Real certificates and keys for tests, made with BouncyCastle (an independent X.509 implementation). */
public final class TestCerts {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    /** A PEM chain (leaf first) and the leaf's PEM key. */
    public record Issued(String chainPem, String keyPem, KeyPair keys, X509Certificate cert) {
    }

    private TestCerts() {
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Self-signed leaf valid from {@code from} to {@code to}, with the given DNS SANs. */
    public static Issued selfSigned(String cn, Instant from, Instant to, String... dnsNames) {
        KeyPair keys = ec();
        X509Certificate c = build(cn, keys, cn, keys.getPrivate(), from, to, dnsNames);
        return new Issued(pem(c), pkcs8(keys.getPrivate()), keys, c);
    }

    /** A leaf issued by a CA (also made here): chain = leaf then CA. */
    public static Issued withCa(String cn, Instant from, Instant to, String... dnsNames) {
        KeyPair ca = rsa();
        X509Certificate caCert = build("Test CA", ca, "Test CA", ca.getPrivate(), from, to);
        KeyPair leafKeys = rsa();
        X509Certificate leaf = build(cn, leafKeys, "Test CA", ca.getPrivate(), from, to, dnsNames);
        return new Issued(pem(leaf) + pem(caCert), pem(leafKeys.getPrivate()), leafKeys, leaf);
    }

    static X509Certificate build(String cn, KeyPair subject, String issuer, PrivateKey signer, Instant from, Instant to,
                                 String... dnsNames) {
        try {
            var b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer), BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(from), Date.from(to), new X500Name("CN=" + cn), subject.getPublic());
            if (dnsNames.length > 0) {
                List<GeneralName> names = new ArrayList<>();
                for (String n : dnsNames) {
                    names.add(new GeneralName(GeneralName.dNSName, n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** "BEGIN PRIVATE KEY" (PKCS#8), what openssl writes by default. */
    public static String pkcs8(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** For an RSA key: "BEGIN RSA PRIVATE KEY" (PKCS#1, the traditional OpenSSL form). */
    public static String pem(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }
}
