package io.sipfleet.switching.config;

import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.UriParser;
import java.util.ArrayList;
import java.util.List;

/** The problems found in one snapshot, and the checks every rule is made of. */
final class Problems {

    private final List<ConfigException.Problem> problems = new ArrayList<>();

    int size() {
        return problems.size();
    }

    void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Checks a sip/sips URI (with a user part when {@code needUser}); true when it is one. */
    boolean sipUri(String at, String text, boolean needUser) {
        Uri uri;
        try {
            uri = UriParser.parse(text);
        } catch (SipParseException e) {
            add(at, "not a valid URI (" + e.getMessage() + "): " + ConfigTree.quote(text));
            return false;
        }
        if (!(uri instanceof SipUri sip)) {
            add(at, "must be a sip: or sips: URI, was " + ConfigTree.quote(text));
            return false;
        }
        if (needUser && (sip.user() == null || sip.user().isEmpty())) {
            add(at, "must have a user part, e.g. \"sip:1001@sipfleet.local\", was " + ConfigTree.quote(text));
            return false;
        }
        if (sip.password() != null) {
            add(at, "must not carry a password");
            return false;
        }
        return true;
    }

    boolean required(String at, Object value) {
        if (value == null) {
            add(at, "required field missing");
            return false;
        }
        return true;
    }

    void min(String at, long value, long min) {
        if (value < min) {
            add(at, "must be >= " + min + ", was " + value);
        }
    }

    void range(String at, long value, long min, long max) {
        if (value < min || value > max) {
            add(at, "must be between " + min + " and " + max + ", was " + value);
        }
    }

    void add(String at, String message) {
        problems.add(new ConfigException.Problem(at, message));
    }
}
