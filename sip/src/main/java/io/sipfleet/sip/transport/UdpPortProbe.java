package io.sipfleet.sip.transport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Before binding several SO_REUSEPORT sockets to a fixed UDP port, checks that no one else holds
 * it: the kernel lets any process of the same user join a SO_REUSEPORT group, so a second node
 * started on the same port would silently take a share of the first one's traffic instead of
 * failing. A plain bind (without SO_REUSEPORT) fails if anybody is there.
 */
final class UdpPortProbe {
    private UdpPortProbe() {}

    static void check(InetAddress address, int port) {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind SIP UDP listener to " + address.getHostAddress() + ":" + port
                    + ": already in use (" + e.getMessage() + ")", e);
        }
    }
}
