package io.sipfleet.switching.auth;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.transport.IpLiterals;
import io.sipfleet.sip.transport.Peer;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * The address a request is attributed to for scanner protection. Usually the packet's source;
 * for a request relayed by one of our dispatchers, the client it relayed for: the dispatcher's
 * transport stamped the client's Via (now the second) with the real {@code received}, replacing
 * any the client wrote. Without this every client behind a dispatcher would share one failure
 * count, and one phone with a wrong password would lock them all out.
 */
public final class ClientAddress {
    private volatile Set<InetAddress> dispatchers;

    public ClientAddress(Set<InetAddress> dispatchers) { this.dispatchers = Set.copyOf(dispatchers); }

    public static ClientAddress direct() { return new ClientAddress(Set.of()); }

    public void dispatchers(Set<InetAddress> next) { this.dispatchers = Set.copyOf(next); }

    public InetAddress of(SipRequest request, Peer from) {
        InetAddress source = from == null || from.remote() == null ? null : from.remote().getAddress();
        if (source == null || !dispatchers.contains(source)) return source;
        List<Via> vias = request.vias();
        if (vias.size() < 2) return source;
        Via relayed = vias.get(1);
        InetAddress client = IpLiterals.parse(relayed.received());
        if (client == null) client = IpLiterals.parse(relayed.host());
        return client != null ? client : source;
    }
}
