package io.sipfleet.dispatching;

import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.UriParser;
import io.sipfleet.sip.transport.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One switch behind the dispatcher: its configured URI, the address SIP goes to (an IP literal:
 * no DNS on the call path) and its weight.
 */
public record Destination(String uri, InetSocketAddress address, int weight) {

    /** Parses "sip:127.0.0.2:5060" (port 5060 when absent); IllegalArgumentException says why not. */
    public static Destination parse(String uri, int weight) {
        if (uri == null) throw new IllegalArgumentException("required, e.g. \"sip:127.0.0.2:5060\"");
        Uri parsed;
        try {
            parsed = UriParser.parse(uri);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("not a SIP URI (" + e.getMessage() + "): " + uri);
        }
        if (!(parsed instanceof SipUri s) || s.secure()) throw new IllegalArgumentException("a sip: URI is required: " + uri);
        String host = s.host().startsWith("[") ? s.host().substring(1, s.host().length() - 1) : s.host();
        InetAddress ip = IpLiterals.parse(host);
        if (ip == null) throw new IllegalArgumentException("the host must be an IP literal: " + uri);
        return new Destination(uri, new InetSocketAddress(ip, s.port() < 0 ? 5060 : s.port()), weight);
    }

    /** Stable across restarts and dispatchers: what hash algorithms mix with the request's key. */
    long hashSeed() { return Hashing.fnv1a64(address.getAddress().getHostAddress() + ":" + address.getPort()); }
}
