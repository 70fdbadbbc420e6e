package io.sipfleet.switching.auth;

import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.parse.SipParseException;
import java.util.Locale;

/**
 * The canonical address-of-record: the key of the user directory and of the location store.
 * RFC 3261 10.3 step 5: URI parameters (user=phone too), port and headers removed, escapes
 * decoded. The host is lower-cased (19.1.4: hosts compare case-insensitively, users do not).
 * sips: folds into sip: so a subscriber's TLS phone and UDP phone share one AoR; the binding's
 * flow still says which transport reaches each contact.
 */
public final class Aors {
    private Aors() {}

    /** {@code sip:user@host} for a sip or sips URI. */
    public static String canonical(SipUri uri) {
        String user = uri.user() == null ? "" : uri.decodedUser() + "@";
        return "sip:" + user + uri.host().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code text} (a sip or sips URI, as in the configuration) and canonicalises it. */
    public static String canonical(String text) {
        Uri uri;
        try {
            uri = Uri.parse(text);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("AoR '" + text + "' is not a URI: " + e.getMessage(), e);
        }
        if (!(uri instanceof SipUri sip) || sip.user() == null) {
            throw new IllegalArgumentException("AoR '" + text + "' must be a sip: or sips: URI with a user part");
        }
        return canonical(sip);
    }
}
