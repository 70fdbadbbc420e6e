package io.sipfleet.sip.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * The Digest credentials of an Authorization or Proxy-Authorization header value (RFC 3261
 * section 22.4 and 25.1, RFC 7616 section 3.4, RFC 8760 section 2.7).
 *
 * @param username the user name; with {@code userhash} it is H(username:realm) instead
 *     (RFC 7616 section 3.4.4), see {@link Ha1#userhash}
 * @param realm the protection space the client answers for
 * @param nonce the server nonce being answered
 * @param uri the digest-uri, normally the Request-URI
 * @param response the request-digest in hex (its case as sent)
 * @param algorithm the algorithm; {@link DigestAlgorithm#MD5} when the header has none
 *     (RFC 2617 section 3.2.2)
 * @param cnonce the client nonce, or null
 * @param opaque the opaque value echoed from the challenge, or null
 * @param qop the quality of protection in lowercase ("auth", "auth-int"), or null for the
 *     RFC 2069 compatible form
 * @param nc the nonce count, parsed from 8 hex digits; 0 when the header has none
 * @param userhash whether {@code username} is hashed
 */
public record DigestCredentials(String username, String realm, String nonce, String uri,
        String response, DigestAlgorithm algorithm, String cnonce, String opaque, String qop,
        long nc, boolean userhash) {

    public DigestCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(algorithm, "algorithm");
        if (nc < 0 || nc > 0xffff_ffffL) {
            throw new IllegalArgumentException("nc " + nc + " does not fit 8 hex digits");
        }
    }

    /** Parses an Authorization header value. */
    public static DigestCredentials parse(String headerValue) throws DigestParseException {
        return parse("Authorization", headerValue);
    }

    /**
     * Parses the value of the header {@code headerName} (Authorization or Proxy-Authorization; the
     * name only labels error messages). Unknown parameters are ignored (RFC 7616 section 3.4).
     */
    public static DigestCredentials parse(String headerName, String headerValue)
            throws DigestParseException {
        // Straight into named slots, not a map: this runs for every authenticated request.
        Fields p = new Fields(headerName);
        AuthParams.parse(headerName, headerValue, p);
        String username = p.get("username");
        String extUsername = p.get("username*");
        if (username != null && extUsername != null) {
            // RFC 7616 section 3.4: the two forms MUST NOT be combined.
            throw new DigestParseException(headerName + ": both 'username' and 'username*' present");
        }
        if (extUsername != null) {
            username = decodeExtValue(headerName, extUsername);
        }
        if (username == null) {
            throw missing(headerName, "username");
        }
        String realm = require(headerName, p, "realm");
        String nonce = require(headerName, p, "nonce");
        String uri = require(headerName, p, "uri");
        String response = require(headerName, p, "response");

        DigestAlgorithm algorithm = DigestAlgorithm.MD5;
        String algorithmToken = p.get("algorithm");
        if (algorithmToken != null) {
            algorithm = DigestAlgorithm.fromToken(algorithmToken).orElseThrow(() ->
                    new DigestParseException(headerName + ": unsupported algorithm '" + algorithmToken + "'"));
        }
        if (response.length() != algorithm.hexLength() || !Hex.isHex(response)) {
            throw new DigestParseException(headerName + ": 'response' must be " + algorithm.hexLength()
                    + " hex digits for " + algorithm.token() + ", got '" + response + "'");
        }

        String cnonce = p.get("cnonce");
        String qop = p.get("qop");
        long nc = 0;
        if (qop != null) {
            qop = qop.toLowerCase(Locale.ROOT);
            // RFC 7616 section 3.4: cnonce and nc MUST be sent when qop is.
            if (cnonce == null) {
                throw new DigestParseException(headerName + ": 'qop' requires 'cnonce'");
            }
            nc = parseNc(headerName, p.get("nc"));
        } else if (algorithm.session() && cnonce == null) {
            throw new DigestParseException(headerName + ": algorithm " + algorithm.token()
                    + " requires 'cnonce'");
        }
        boolean userhash = parseBoolean(headerName, "userhash", p.get("userhash"));
        return new DigestCredentials(username, realm, nonce, uri, response, algorithm, cnonce,
                p.get("opaque"), qop, nc, userhash);
    }

    /** This credentials as a header value, parameters in the order of RFC 3261 section 22.4. */
    public String toHeaderValue() {
        StringBuilder b = new StringBuilder(256).append("Digest username=").append(QuotedString.quote(username))
                .append(", realm=").append(QuotedString.quote(realm))
                .append(", nonce=").append(QuotedString.quote(nonce))
                .append(", uri=").append(QuotedString.quote(uri))
                .append(", response=").append(QuotedString.quote(response))
                .append(", algorithm=").append(algorithm.token());
        if (cnonce != null) {
            b.append(", cnonce=").append(QuotedString.quote(cnonce));
        }
        if (opaque != null) {
            b.append(", opaque=").append(QuotedString.quote(opaque));
        }
        if (qop != null) {
            // qop-value and nc-value are bare tokens in credentials (RFC 3261 section 25.1).
            b.append(", qop=").append(qop).append(", nc=").append(Hex.eightDigits(nc));
        }
        if (userhash) {
            b.append(", userhash=true");
        }
        return b.toString();
    }

    static long parseNc(String headerName, String nc) throws DigestParseException {
        if (nc == null) {
            throw new DigestParseException(headerName + ": 'qop' requires 'nc'");
        }
        if (nc.length() != 8 || !Hex.isHex(nc)) {
            throw new DigestParseException(headerName + ": 'nc' must be 8 hex digits, got '" + nc + "'");
        }
        long value = Long.parseLong(nc, 16);
        if (value == 0) {
            // The count starts at 1 (RFC 7616 section 3.4); 0 would slip under replay tracking.
            throw new DigestParseException(headerName + ": 'nc' must be at least 00000001");
        }
        return value;
    }

    static boolean parseBoolean(String headerName, String name, String value) throws DigestParseException {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new DigestParseException(headerName + ": '" + name + "' must be true or false, got '" + value + "'");
    }

    private static String require(String headerName, Fields p, String name)
            throws DigestParseException {
        String value = p.get(name);
        if (value == null) {
            throw missing(headerName, name);
        }
        return value;
    }

    private static DigestParseException missing(String headerName, String name) {
        return new DigestParseException(headerName + ": missing '" + name + "'");
    }

    /**
     * The parameters a credentials value may carry, by name; duplicates of any name (known or not)
     * are refused as {@link AuthParams#parse(String, String)} refuses them.
     */
    private static final class Fields implements AuthParams.Sink {
        private static final String[] NAMES = {"username", "username*", "realm", "nonce", "uri", "response",
                "algorithm", "cnonce", "opaque", "qop", "nc", "userhash"};

        private final String headerName;
        private final String[] values = new String[NAMES.length];
        /** Lowercase names of parameters we do not use, only kept to refuse their duplicates. */
        private java.util.Set<String> others;

        Fields(String headerName) {
            this.headerName = headerName;
        }

        @Override
        public void param(String value, int nameStart, int nameEnd, String paramValue) throws DigestParseException {
            for (int i = 0; i < NAMES.length; i++) {
                if (AuthParams.nameIs(value, nameStart, nameEnd, NAMES[i])) {
                    if (values[i] != null) throw duplicate(NAMES[i]);
                    values[i] = paramValue;
                    return;
                }
            }
            if (others == null) others = new java.util.HashSet<>();
            String name = value.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
            if (!others.add(name)) throw duplicate(name);
        }

        private DigestParseException duplicate(String name) {
            return new DigestParseException(headerName + ": duplicate parameter '" + name + "'");
        }

        /** The value of parameter {@code name} (one of {@link #NAMES}), or null when absent. */
        String get(String name) {
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(name)) return values[i];
            }
            throw new IllegalArgumentException("not a credentials parameter: " + name);
        }
    }

    /** RFC 8187 ext-value ("UTF-8'lang'pct-encoded"), as username* uses (RFC 7616 section 3.4). */
    private static String decodeExtValue(String headerName, String ext) throws DigestParseException {
        int q1 = ext.indexOf('\'');
        int q2 = q1 < 0 ? -1 : ext.indexOf('\'', q1 + 1);
        if (q2 < 0 || !ext.substring(0, q1).equalsIgnoreCase("UTF-8")) {
            throw new DigestParseException(headerName + ": 'username*' must be UTF-8''<percent-encoded>, got '"
                    + ext + "'");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ext.length());
        for (int i = q2 + 1; i < ext.length(); i++) {
            char c = ext.charAt(i);
            if (c == '%' && i + 2 < ext.length() && Hex.isHex(ext.substring(i + 1, i + 3))) {
                bytes.write(Integer.parseInt(ext, i + 1, i + 3, 16));
                i += 2;
            } else if (c == '%') {
                throw new DigestParseException(headerName + ": bad percent-escape in 'username*' at index " + i);
            } else {
                bytes.write(c);
            }
        }
        String decoded = bytes.toString(StandardCharsets.UTF_8);
        // Percent-escapes can smuggle what quoted-strings refuse: keep CR/LF out of logs and headers.
        if (decoded.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new DigestParseException(headerName + ": 'username*' decodes to a control character");
        }
        return decoded;
    }
}
