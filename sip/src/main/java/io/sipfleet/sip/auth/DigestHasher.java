package io.sipfleet.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * H(a:b:c) built in one reusable byte buffer and hashed with one reusable {@link MessageDigest}:
 * the request-digest of every authenticated REGISTER and INVITE is two such hashes. Hashing part by
 * part through {@code String.getBytes} and a cloned digest allocated a byte array per part and a
 * digest (with its state arrays) per hash; in the REGISTER path that was a third of the hashing.
 *
 * <p>Not thread-safe: {@link DigestAlgorithm#hasher()} hands each platform thread (the event
 * loops) its own and a virtual thread a fresh one, so no virtual thread pins a cached instance.
 */
final class DigestHasher {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest md;
    private final byte[] hash;
    private byte[] buf = new byte[256];
    private int len;

    DigestHasher(MessageDigest md) {
        this.md = md;
        this.hash = new byte[md.getDigestLength()];
    }

    /** Starts a new input. */
    DigestHasher reset() {
        len = 0;
        if (buf.length > 4096) buf = new byte[256]; // one huge digest-uri should not stay with the thread
        return this;
    }

    /** Appends {@code s} as UTF-8 (RFC 7616 section 4); ASCII, what SIP puts here, without an intermediate array. */
    DigestHasher add(String s) {
        int n = s.length();
        ensure(n);
        int start = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                len = start;
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                ensure(utf8.length);
                System.arraycopy(utf8, 0, buf, len, utf8.length);
                len += utf8.length;
                return this;
            }
            buf[len++] = (byte) c;
        }
        return this;
    }

    DigestHasher colon() {
        ensure(1);
        buf[len++] = ':';
        return this;
    }

    /** Appends the lowercase hex of the last {@link #digest()} (the HA2 inside the response). */
    DigestHasher addLastDigestHex() {
        ensure(hash.length * 2);
        for (byte b : hash) {
            buf[len++] = HEX[(b >> 4) & 0x0f];
            buf[len++] = HEX[b & 0x0f];
        }
        return this;
    }

    /** Appends {@code value} as eight lowercase hex digits (nc-value, RFC 7616 section 3.4). */
    DigestHasher addEightHexDigits(long value) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[len + i] = HEX[(int) (value & 0x0f)];
            value >>>= 4;
        }
        len += 8;
        return this;
    }

    /** Hashes the input; the result stays here until the next digest (read by {@link #addLastDigestHex}). */
    DigestHasher digest() {
        md.update(buf, 0, len);
        try {
            md.digest(hash, 0, hash.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("digest buffer of " + hash.length + " bytes refused", e); // sized from the digest
        }
        return this;
    }

    /** The last digest as lowercase hex ASCII, a new array the caller owns. */
    byte[] lastDigestHexAscii() {
        return Hex.encodeAscii(hash);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
