package io.sipfleet.control.certificate;

import java.time.Instant;

/** An uploaded TLS certificate (row of {@code certificate}); the key stays sealed in {@code keyEnc}. */
public record Certificate(long id, long accountId, String name, String subject, String sans, Instant notBefore,
                          Instant notAfter, String fingerprintSha256, String chainPem, String keyEnc,
                          Instant createdAt) {

    public static final String SERVER = "server";
    public static final String CLIENT = "client";

    @Override
    public String toString() {
        return "Certificate[id=" + id + ", name=" + name + ", subject=" + subject + "]";
    }
}
