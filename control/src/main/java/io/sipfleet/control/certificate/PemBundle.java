package io.sipfleet.control.certificate;

import io.sipfleet.control.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key as uploaded (PEM), checked: the chain parses, leaf
 * first and each certificate issued by the next; the leaf is valid now and names at least one
 * subjectAltName; the key is the leaf's (a signature made with it verifies with the leaf's
 * public key, which works for RSA, EC and EdDSA alike).
 */
record PemBundle(List<X509Certificate> chain, PrivateKey key, String keyPem) {

    static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(5);

    static PemBundle parse(String certificatePem, String keyPem, Instant now) {
        List<X509Certificate> chain = chain(certificatePem);
        X509Certificate leaf = chain.get(0);
        for (int i = 0; i + 1 < chain.size(); i++) {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new InvalidInputException("certificate", "certificate " + (i + 2) + " of the chain ("
                        + chain.get(i + 1).getSubjectX500Principal().getName() + ") did not issue certificate " + (i + 1)
                        + " (" + chain.get(i).getSubjectX500Principal().getName() + "): put the leaf first, then its issuers in order");
            }
        }
        // Five minutes of clock skew: a certificate issued a moment ago elsewhere is not "future".
        if (now.plus(CLOCK_SKEW).isBefore(leaf.getNotBefore().toInstant())) {
            throw new InvalidInputException("certificate", "not valid before " + leaf.getNotBefore().toInstant());
        }
        if (!now.isBefore(leaf.getNotAfter().toInstant())) {
            throw new InvalidInputException("certificate", "expired at " + leaf.getNotAfter().toInstant()
                    + " (" + leaf.getSubjectX500Principal().getName() + ")");
        }
        if (sans(leaf).isEmpty()) {
            throw new InvalidInputException("certificate", "names no subjectAltName (DNS or IP): TLS clients "
                    + "ignore the CN since RFC 6125; reissue it with the server's FQDN as a SAN");
        }
        PrivateKey key = key(keyPem);
        if (!matches(key, leaf.getPublicKey())) {
            throw new InvalidInputException("private_key", "does not match the certificate "
                    + leaf.getSubjectX500Principal().getName() + " (it is the key of another certificate)");
        }
        return new PemBundle(List.copyOf(chain), key, keyPem.strip() + "\n");
    }

    private static List<X509Certificate> chain(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new InvalidInputException("certificate", "is required (PEM, leaf first, then the chain)");
        }
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidInputException("certificate", "must be PEM text starting with -----BEGIN CERTIFICATE-----");
        }
        try {
            Collection<? extends java.security.cert.Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : parsed) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new InvalidInputException("certificate", "holds no certificate");
            }
            if (out.size() > 10) {
                throw new InvalidInputException("certificate", "a chain of at most 10 certificates, was " + out.size());
            }
            return out;
        } catch (CertificateException e) {
            throw new InvalidInputException("certificate", "is not a valid X.509 PEM certificate: " + e.getMessage());
        }
    }

    private static PrivateKey key(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new InvalidInputException("private_key", "is required (PEM)");
        }
        if (pem.contains("ENCRYPTED")) {
            throw new InvalidInputException("private_key", "is encrypted with a passphrase; upload it decrypted "
                    + "(openssl pkey -in key.pem -out plain.pem): control encrypts it at rest itself");
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key: skip such blocks.
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
            throw new InvalidInputException("private_key", "must be a PEM private key (BEGIN PRIVATE KEY, "
                    + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
        } catch (PEMException e) {
            throw new InvalidInputException("private_key", "cannot be read: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException i) {
                throw i;
            }
            throw new InvalidInputException("private_key", "is not valid PEM: " + e.getMessage());
        }
    }

    private static boolean matches(PrivateKey key, PublicKey pub) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> throw new InvalidInputException("private_key", "key type " + key.getAlgorithm()
                    + " is not supported (RSA, EC or Ed25519)");
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false; // key types differ (an EC key for an RSA certificate)
        }
    }

    static List<String> sans(X509Certificate c) {
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (List<?> n : names) {
                int type = (Integer) n.get(0);
                if (type == 2 || type == 7) { // dNSName, iPAddress
                    out.add(String.valueOf(n.get(1)));
                }
            }
            return out;
        } catch (java.security.cert.CertificateParsingException e) {
            throw new InvalidInputException("certificate", "has an unreadable subjectAltName extension");
        }
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The chain re-encoded: whatever came around the PEM blocks (comments, text dumps) is dropped. */
    String chainPem() {
        StringBuilder b = new StringBuilder();
        Base64.Encoder enc = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509Certificate c : chain) {
            try {
                b.append("-----BEGIN CERTIFICATE-----\n").append(enc.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }
}
