package io.sipfleet.sip.message;

/** A URI of a scheme SIP does not route on (http:, urn:, isbn: ...), kept as written. */
public record AbsoluteUri(String scheme, String schemeSpecificPart) implements Uri {
    @Override public String toString() { return scheme + ":" + schemeSpecificPart; }
}
