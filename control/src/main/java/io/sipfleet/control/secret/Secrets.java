package io.sipfleet.control.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption at rest for what control must be able to read back in clear (UAC passwords, TLS
 * private keys): AES-256-GCM with a random 96-bit nonce per value, stored as
 * {@code v1:base64(nonce || ciphertext || tag)}. The key lives in a file next to the database
 * (never in it), so a database dump or backup alone does not reveal the secrets.
 *
 * <p>The {@code purpose} is bound as additional authenticated data: a ciphertext copied from a
 * UAC password column into a key column (or between rows) fails to decrypt instead of being
 * silently accepted.
 */
public final class Secrets {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private Secrets(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("secret key must be 32 bytes (AES-256), was " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A key that lives as long as this process: for tests only (restarting loses every secret). */
    public static Secrets ephemeral() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return new Secrets(k);
    }

    /**
     * The key in {@code file} (base64 of 32 bytes), created with owner-only permissions if it does
     * not exist. Losing this file makes every stored UAC password and private key unreadable:
     * back it up separately from the database.
     */
    public static Secrets fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            byte[] k = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return new Secrets(k);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret key " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("secret key " + file.toAbsolutePath()
                    + " is not base64 of 32 bytes: " + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        try {
            Files.writeString(file, Base64.getEncoder().encodeToString(k) + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException raced) {
            return; // another process created it first: use theirs
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the folder's ACL.
        }
    }

    /**
     * A key for {@code purpose} derived from this one (HMAC-SHA256(key, purpose), 32 bytes, hex):
     * the same on every call and every control plane sharing the key file, different for every
     * purpose, and telling nothing about the key itself. E.g. the digest nonce key a cluster's
     * switches share ("nonce:" + cluster), so none needs storing.
     */
    public String derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    public String encrypt(String purpose, String plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable in this JDK", e);
        }
    }

    /** Throws {@link IllegalStateException} if the value was sealed with another key or purpose. */
    public String decrypt(String purpose, String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not an encrypted value (expected " + PREFIX + "...)");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot decrypt a stored " + purpose
                    + ": wrong secret key file or tampered value", e);
        }
    }
}
