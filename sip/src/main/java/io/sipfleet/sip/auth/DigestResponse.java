package io.sipfleet.sip.auth;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The request-digest of RFC 7616 section 3.4.1 (RFC 2617 section 3.2.2.1):
 *
 * <pre>
 *   HA2      = H(method ":" digest-uri)                        qop "auth" or absent
 *   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)  with qop
 *   response = H(HA1 ":" nonce ":" HA2)                        without qop (RFC 2069)
 * </pre>
 *
 * where HA1 is first re-keyed as H(HA1:nonce:cnonce) for the {@code -sess} algorithms.
 * qop=auth-int would hash the body into HA2; SIP deployments do not use it and this package
 * neither offers nor accepts it.
 */
public final class DigestResponse {

    private DigestResponse() {}

    /**
     * The lowercase hex response.
     *
     * @param ha1Hex HA1 in hex, as {@link Ha1#compute} gives (not yet session re-keyed)
     * @param cnonce the client nonce; may be null only without qop and for a non-sess algorithm
     * @param nc the nonce count; ignored without qop
     * @param qop "auth", or null for the RFC 2069 form
     * @throws IllegalArgumentException for qop other than auth, or a missing cnonce
     */
    public static String compute(DigestAlgorithm algorithm, String ha1Hex, String nonce, String cnonce,
            long nc, String qop, String method, String digestUri) {
        return new String(computeAscii(algorithm, ha1Hex, nonce, cnonce, nc, qop, method, digestUri),
                StandardCharsets.ISO_8859_1);
    }

    /** As {@link #compute}, but the hex digits as ASCII bytes for a constant-time comparison. */
    static byte[] computeAscii(DigestAlgorithm algorithm, String ha1Hex, String nonce, String cnonce,
            long nc, String qop, String method, String digestUri) {
        if (ha1Hex.length() != algorithm.hexLength()) {
            throw new IllegalArgumentException("HA1 for " + algorithm.token() + " must be "
                    + algorithm.hexLength() + " hex digits, got " + ha1Hex.length());
        }
        if (qop != null && !qop.equals("auth")) {
            throw new IllegalArgumentException("qop '" + qop + "' is not supported, only 'auth'");
        }
        if (cnonce == null && (qop != null || algorithm.session())) {
            throw new IllegalArgumentException("cnonce is required with qop or a -sess algorithm");
        }
        // Stored HA1 may come in upper case from a provisioning system; the RFC hashes lowercase.
        String ha1 = Ha1.session(algorithm, ha1Hex.toLowerCase(Locale.ROOT), nonce, cnonce);
        DigestHasher h = algorithm.hasher();
        h.reset().add(method).colon().add(digestUri).digest(); // HA2
        h.reset().add(ha1).colon().add(nonce).colon();
        if (qop != null) h.addEightHexDigits(nc).colon().add(cnonce).colon().add(qop).colon();
        return h.addLastDigestHex().digest().lastDigestHexAscii();
    }
}
