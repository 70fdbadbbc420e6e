package io.sipfleet.sip.message;

/**
 * A URI as SIP carries it: sip/sips (RFC 3261 19.1), tel (RFC 3966), or any other absolute URI,
 * kept as text, so that a server can answer 416 for a scheme it does not support instead of
 * failing to parse (RFC 4475 3.3.2).
 */
public sealed interface Uri permits SipUri, TelUri, AbsoluteUri {
    /** The scheme in lower case. */
    String scheme();

    /** Parses a URI on its own (no surrounding header syntax). */
    static Uri parse(String text) throws io.sipfleet.sip.parse.SipParseException {
        return io.sipfleet.sip.parse.UriParser.parse(text);
    }
}
