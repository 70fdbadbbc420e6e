package io.sipfleet.switching.routing;

import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.parse.HeaderParsers;
import io.sipfleet.sip.parse.SipParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A binding's RFC 3327 Path as stored: the REGISTER's Path header values joined by ", " (first =
 * the hop nearest the registrar). Requests for the binding carry them as a preloaded route set.
 */
public final class PathSet {
    private PathSet() {}

    /** The Path entries of a stored value, first = next hop; empty for null or blank. */
    public static List<NameAddr> parse(String path) throws SipParseException {
        if (path == null || path.isBlank()) return List.of();
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        List<NameAddr> out = new ArrayList<>(2);
        HeaderParsers.nameAddrs(b, 0, b.length, "Path", false, out);
        for (NameAddr n : out) {
            if (n.sipUri() == null) throw new SipParseException(0, "Path entry is not a SIP URI: " + n);
        }
        return out;
    }

    /** The entries as Route header values ("<sip:...;lr>"). */
    public static List<String> routeValues(List<NameAddr> entries) {
        List<String> out = new ArrayList<>(entries.size());
        for (NameAddr n : entries) out.add(n.toString());
        return out;
    }
}
