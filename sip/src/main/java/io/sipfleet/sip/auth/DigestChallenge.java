package io.sipfleet.sip.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A Digest challenge: the value of a WWW-Authenticate or Proxy-Authenticate header
 * (RFC 3261 section 22.4 and 25.1, RFC 7616 section 3.3, RFC 8760 section 2.7).
 *
 * @param realm the protection space
 * @param nonce the server nonce
 * @param opaque a value the client must echo unchanged, or null
 * @param algorithm the algorithm; {@link DigestAlgorithm#MD5} when the header has none
 * @param qop the offered qop options in lowercase, e.g. ["auth"]; empty for the RFC 2069 form
 * @param stale true when the previous credentials were right but their nonce had expired, so
 *     the client should retry with the new nonce without asking the user (RFC 7616 section 3.3)
 * @param userhash whether the server accepts a hashed username (RFC 7616 section 3.4.4)
 */
public record DigestChallenge(String realm, String nonce, String opaque, DigestAlgorithm algorithm,
        List<String> qop, boolean stale, boolean userhash) {

    public DigestChallenge {
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(algorithm, "algorithm");
        qop = List.copyOf(qop);
    }

    /** Parses a WWW-Authenticate header value. */
    public static DigestChallenge parse(String headerValue) throws DigestParseException {
        return parse("WWW-Authenticate", headerValue);
    }

    /**
     * Parses the value of {@code headerName} (WWW-Authenticate or Proxy-Authenticate; the name
     * only labels error messages). Unknown parameters such as domain or charset are ignored.
     */
    public static DigestChallenge parse(String headerName, String headerValue) throws DigestParseException {
        Map<String, String> p = AuthParams.parse(headerName, headerValue);
        String realm = p.get("realm");
        if (realm == null) {
            throw new DigestParseException(headerName + ": missing 'realm'");
        }
        String nonce = p.get("nonce");
        if (nonce == null) {
            throw new DigestParseException(headerName + ": missing 'nonce'");
        }
        DigestAlgorithm algorithm = DigestAlgorithm.MD5;
        String algorithmToken = p.get("algorithm");
        if (algorithmToken != null) {
            algorithm = DigestAlgorithm.fromToken(algorithmToken).orElseThrow(() ->
                    new DigestParseException(headerName + ": unsupported algorithm '" + algorithmToken + "'"));
        }
        List<String> qop = new ArrayList<>();
        String qopList = p.get("qop");
        if (qopList != null) {
            // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT (RFC 3261 25.1)
            for (String option : qopList.split(",")) {
                String trimmed = option.strip().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    qop.add(trimmed);
                }
            }
            if (qop.isEmpty()) {
                throw new DigestParseException(headerName + ": 'qop' lists no option");
            }
        }
        return new DigestChallenge(realm, nonce, p.get("opaque"), algorithm, qop,
                DigestCredentials.parseBoolean(headerName, "stale", p.get("stale")),
                DigestCredentials.parseBoolean(headerName, "userhash", p.get("userhash")));
    }

    /** Whether the challenge offers qop=auth. */
    public boolean offersAuth() {
        return qop.contains("auth");
    }

    /**
     * This challenge as a header value, e.g.
     * {@code Digest realm="sip.example", nonce="...", opaque="...", algorithm=SHA-256, qop="auth"}.
     * The algorithm is always written, even MD5, so RFC 8760 clients never have to guess.
     */
    public String toHeaderValue() {
        StringBuilder b = new StringBuilder(192).append("Digest realm=");
        QuotedString.appendQuoted(b, realm).append(", nonce=");
        QuotedString.appendQuoted(b, nonce);
        if (opaque != null) {
            QuotedString.appendQuoted(b.append(", opaque="), opaque);
        }
        b.append(", algorithm=").append(algorithm.token());
        if (!qop.isEmpty()) {
            b.append(", qop=").append(QuotedString.quote(String.join(",", qop)));
        }
        if (stale) {
            b.append(", stale=true");
        }
        if (userhash) {
            b.append(", userhash=true");
        }
        return b.toString();
    }
}
