package io.sipfleet.sip.proxy;

import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.transport.Peer;
import java.util.List;

/**
 * One place a request is forwarded to: the Request-URI it carries there and the hop it is sent
 * to. For a registered user the hop is the binding's source address (NAT), not the Contact host.
 * {@code label} names the target in logs and CDRs ("binding sip:1001@...", "route uk").
 * {@code routeSet}: Route header values (name-addr text, first = next hop) the request carries on
 * this branch, in front of any it already has; a binding registered through an edge proxy is
 * reached through its RFC 3327 Path this way (a preloaded route set). Empty for most targets.
 */
public record Target(Uri requestUri, Peer destination, String label, List<String> routeSet) {

    public Target {
        routeSet = routeSet == null ? List.of() : List.copyOf(routeSet);
    }

    public Target(Uri requestUri, Peer destination, String label) {
        this(requestUri, destination, label, List.of());
    }
}
