package io.sipfleet.sip.auth;

/**
 * A Digest header value that does not follow the grammar of RFC 3261 section 25.1 (credentials
 * and challenge) or misses a parameter RFC 7616 requires. The message names the header and what is
 * wrong, e.g. {@code Authorization: missing 'nonce'}, so it can go to logs and into a 400 reason.
 */
public final class DigestParseException extends Exception {

    private static final long serialVersionUID = 1L;

    public DigestParseException(String message) {
        super(message);
    }
}
