package io.sipfleet.dispatching;

import io.sipfleet.sip.transport.IpLiterals;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * The UA's flow (where its request really came from: the packet's source, which Via
 * received/rport also record) written into a URI parameter of the dispatcher's own Path or
 * Record-Route entry, so a switch that later sends a request back through that entry tells the
 * dispatcher where the UA is, without the dispatcher keeping any state:
 * <pre>
 *   Path: &lt;sip:127.0.0.10:5060;lr;flow=192.0.2.7~5062~udp&gt;
 * </pre>
 * {@code flow=IP~PORT~TRANSPORT}: IPv4 as is, IPv6 in brackets ({@code [2001:db8::1]~5060~udp});
 * '~', '[', ']' and ':' are all legal in a URI parameter value (RFC 3261 25.1), so nothing needs
 * escaping. Only requests arriving from one of our switches are sent to the flow they name (no
 * open relay), and never to one of our own listeners or switches (no loop).
 */
final class FlowToken {
    static final String PARAM = "flow";

    private FlowToken() {}

    static String encode(Peer from) {
        InetAddress a = from.remote().getAddress();
        String ip = a.getHostAddress();
        if (a instanceof java.net.Inet6Address) ip = "[" + ip + "]";
        return ip + "~" + from.remote().getPort() + "~" + from.transport().name().toLowerCase(Locale.ROOT);
    }

    /** The flow a token names, or null when malformed. */
    static Decoded decode(String token) {
        if (token == null) return null;
        String[] parts = token.split("~", -1);
        if (parts.length != 3) return null;
        String host = parts[0].startsWith("[") && parts[0].endsWith("]") ? parts[0].substring(1, parts[0].length() - 1) : parts[0];
        InetAddress ip = IpLiterals.parse(host);
        if (ip == null) return null;
        int port;
        try {
            port = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (port < 1 || port > 65535) return null;
        Transport t = Transport.fromVia(parts[2]);
        if (t == null) return null;
        return new Decoded(t, new InetSocketAddress(ip, port));
    }

    record Decoded(Transport transport, InetSocketAddress address) {}
}
