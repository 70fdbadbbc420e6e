package io.sipfleet.sip.auth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: base64url(timestamp || salt || counter || HMAC-SHA256(secret, realm,
 * timestamp || salt || counter) truncated to 128 bits).
 *
 * <p>RFC 7616 section 3.3 suggests a nonce made of a time stamp and a server-keyed hash of it, so a
 * server needs no table to tell its own nonces, and their age, from forged ones. That keeps 401s
 * cheap (an unauthenticated flood cannot fill memory) and lets every node of a cluster that shares
 * the secret verify a nonce another node issued. The realm is inside the MAC so a nonce issued for
 * one realm is worthless in another realm sharing the secret.
 *
 * <p>What makes a nonce unique is the middle part: a 4-byte salt drawn once per codec (so two nodes
 * sharing the secret do not mint the same nonce in the same millisecond) and a counter that starts
 * at a random value. It used to be 12 fresh random bytes per nonce, which on Linux is a read of
 * /dev/urandom under a global lock for every 401: a system call per challenge for nothing, since
 * what a client cannot predict or forge is the MAC, not the middle part.
 */
final class NonceCodec {

    private static final int TIME_BYTES = 8;
    private static final int SALT_BYTES = 4;
    private static final int COUNTER_BYTES = 8;
    private static final int UNIQUE_BYTES = SALT_BYTES + COUNTER_BYTES;
    /** 128 bits keep forgery at 2^-128 per try while the nonce stays 48 characters. */
    private static final int MAC_BYTES = 16;
    private static final int NONCE_BYTES = TIME_BYTES + UNIQUE_BYTES + MAC_BYTES;
    static final int ENCODED_LENGTH = 48; // 36 bytes, base64 without padding
    /** Domain separation: nonce MACs and the opaque MAC never hash the same input. */
    private static final byte NONCE_LABEL = 'N';
    private static final byte OPAQUE_LABEL = 'O';

    /** Big-endian, as the ByteBuffer that wrote them before: nodes of two versions read each other's nonces. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Mac prototype;
    private final byte[] realm;
    private final int salt;
    private final AtomicLong counter;
    private final String opaque;
    /** Mac is not thread-safe; one per thread (event loops), cloned once from the keyed prototype. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    NonceCodec(byte[] secret, String realm, SecureRandom random) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("secret must have at least 16 bytes, got " + secret.length);
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        try {
            this.prototype = Mac.getInstance("HmacSHA256");
            prototype.init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is a required JDK algorithm", e);
        }
        this.realm = realm.getBytes(StandardCharsets.UTF_8);
        this.salt = random.nextInt();
        this.counter = new AtomicLong(random.nextLong());
        Mac mac = newMac();
        mac.update(OPAQUE_LABEL);
        mac.update(this.realm);
        // The same on every node sharing the secret, so any node can check what it gets back.
        this.opaque = ENCODER.encodeToString(Arrays.copyOf(mac.doFinal(), 12));
    }

    /** The opaque value of this realm and secret. */
    String opaque() {
        return opaque;
    }

    /** A fresh nonce stamped with {@code nowMillis}. */
    String mint(long nowMillis) {
        byte[] nonce = new byte[NONCE_BYTES];
        LONGS.set(nonce, 0, nowMillis);
        INTS.set(nonce, TIME_BYTES, salt);
        LONGS.set(nonce, TIME_BYTES + SALT_BYTES, counter.getAndIncrement());
        System.arraycopy(mac(nonce), 0, nonce, TIME_BYTES + UNIQUE_BYTES, MAC_BYTES);
        return ENCODER.encodeToString(nonce);
    }

    /** The issue time in epoch millis of a nonce this codec minted, or -1 if it did not mint it. */
    long issuedAt(String nonce) {
        if (nonce.length() != ENCODED_LENGTH) {
            return -1;
        }
        byte[] raw;
        try {
            raw = DECODER.decode(nonce);
        } catch (IllegalArgumentException notBase64url) {
            return -1;
        }
        byte[] expected = mac(raw);
        int diff = 0; // constant time over the truncated MAC, in place: no copies
        for (int i = 0; i < MAC_BYTES; i++) diff |= expected[i] ^ raw[TIME_BYTES + UNIQUE_BYTES + i];
        if (diff != 0) {
            return -1;
        }
        long issued = (long) LONGS.get(raw, 0);
        return issued < 0 ? -1 : issued;
    }

    private byte[] mac(byte[] nonce) {
        Mac mac = macs.get(); // doFinal leaves it reset for the next use
        mac.update(NONCE_LABEL);
        mac.update(realm);
        mac.update((byte) 0);
        mac.update(nonce, 0, TIME_BYTES + UNIQUE_BYTES);
        return mac.doFinal();
    }

    /** A clone of the keyed prototype: Mac is not thread-safe and getInstance+init is slow. */
    private Mac newMac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // Only a third-party provider placed before SunJCE could get here; stay correct.
            try {
                Mac mac = Mac.getInstance(prototype.getAlgorithm(), prototype.getProvider());
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }
}
