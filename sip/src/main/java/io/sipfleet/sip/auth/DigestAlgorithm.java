package io.sipfleet.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The Digest "algorithm" parameter values this package speaks (RFC 7616 section 3.3 and the
 * IANA "HTTP Digest Hash Algorithms" registry, which RFC 8760 section 2.1 opens to SIP).
 *
 * <p>The {@code -sess} variants use the same hash function; they only change how HA1 is derived
 * (RFC 7616 section 3.4.2), so an HA1 stored for {@link #MD5} also serves {@link #MD5_SESS}.
 */
public enum DigestAlgorithm {
    MD5("MD5", "MD5", false),
    MD5_SESS("MD5-sess", "MD5", true),
    SHA_256("SHA-256", "SHA-256", false),
    SHA_256_SESS("SHA-256-sess", "SHA-256", true);

    private static final byte COLON = ':';

    private final String token;
    private final boolean session;
    /**
     * Never used to hash, only cloned: getInstance walks the provider list on every call, a clone
     * of the (pristine, never mutated, hence safely shared) prototype does not. Cloning rather
     * than a ThreadLocal also keeps virtual threads from each pinning their own instance.
     */
    private final MessageDigest prototype;
    private final int hexLength;
    /** Per platform thread (the event loops): see {@link #hasher()}. */
    private final ThreadLocal<DigestHasher> hashers = ThreadLocal.withInitial(() -> new DigestHasher(newDigest()));

    DigestAlgorithm(String token, String jcaName, boolean session) {
        this.token = token;
        this.session = session;
        try {
            this.prototype = MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must ship MD5 and SHA-256 (MessageDigest javadoc).
            throw new ExceptionInInitializerError(e);
        }
        this.hexLength = prototype.getDigestLength() * 2;
    }

    /** The wire token, e.g. {@code SHA-256-sess}. */
    public String token() {
        return token;
    }

    /** Whether HA1 is re-keyed per client nonce: HA1' = H(HA1:nonce:cnonce). */
    public boolean session() {
        return session;
    }

    /** Length of a hash of this algorithm in hex digits (32 for MD5, 64 for SHA-256). */
    public int hexLength() {
        return hexLength;
    }

    /** Whether both algorithms use the same hash function, so they share a stored HA1. */
    public boolean sameHash(DigestAlgorithm other) {
        return hexLength == other.hexLength;
    }

    /**
     * The algorithm named by a wire token. Matching ignores case: RFC 7616 section 3.3 spells the
     * values in mixed case and deployed phones send "md5" as often as "MD5".
     */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        return switch (token.toLowerCase(Locale.ROOT)) {
            case "md5" -> Optional.of(MD5);
            case "md5-sess" -> Optional.of(MD5_SESS);
            case "sha-256" -> Optional.of(SHA_256);
            case "sha-256-sess" -> Optional.of(SHA_256_SESS);
            default -> Optional.empty();
        };
    }

    /**
     * Lowercase hex of H(parts[0] ":" parts[1] ":" ...), the "H(a:b:c)" notation of RFC 7616
     * section 3.4. Strings are hashed as UTF-8 (RFC 7616 section 4; RFC 3261 is UTF-8 throughout).
     */
    public String hashHex(String... parts) {
        return Hex.encode(hash(parts));
    }

    /** As {@link #hashHex}, but the hex digits as ASCII bytes, ready for a constant-time compare. */
    byte[] hashHexAscii(String... parts) {
        return Hex.encodeAscii(hash(parts));
    }

    private byte[] hash(String... parts) {
        MessageDigest md = newDigest();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                md.update(COLON);
            }
            md.update(parts[i].getBytes(StandardCharsets.UTF_8));
        }
        return md.digest();
    }

    /**
     * A hasher for this thread: an event loop keeps its own (no clone, no allocation per hash); a
     * virtual thread gets a fresh one, as caching one per virtual thread would keep one per request.
     */
    DigestHasher hasher() {
        return Thread.currentThread().isVirtual() ? new DigestHasher(newDigest()) : hashers.get();
    }

    private MessageDigest newDigest() {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // Only a third-party provider that overrides the JDK's could get here; stay correct.
            try {
                return MessageDigest.getInstance(prototype.getAlgorithm(), prototype.getProvider());
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }
}
