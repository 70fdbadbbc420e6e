package io.sipfleet.sip.proxy;

import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.transport.Peer;

/**
 * One place a request is forwarded to: the Request-URI it carries there and the hop it is sent
 * to. For a registered user the hop is the binding's source address (NAT), not the Contact host.
 * {@code label} names the target in logs and CDRs ("binding sip:1001@...", "route uk").
 */
public record Target(Uri requestUri, Peer destination, String label) {}
