package io.sipfleet.cluster.location;

import io.sipfleet.sip.transport.Transport;

import java.util.Objects;

/**
 * Where a REGISTER really came from and which of our listeners it arrived on (the RFC 5626 sense
 * of a flow). Behind NAT the Contact URI is a private address nobody can reach: requests for the
 * AoR go to {@code sourceIp:sourcePort} and leave from {@code localIp:localPort}, the only pair
 * the NAT box has a pinhole for. Addresses are kept as literal text (no {@code InetAddress}): they
 * are what the Redis hash stores and a third of the heap of an {@code InetSocketAddress}.
 */
public record Flow(Transport transport, String sourceIp, int sourcePort, String localIp, int localPort) {

    public Flow {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(localIp, "localIp");
        checkPort(sourcePort, "sourcePort");
        checkPort(localPort, "localPort");
    }

    public static Flow udp(String sourceIp, int sourcePort, String localIp, int localPort) {
        return new Flow(Transport.UDP, sourceIp, sourcePort, localIp, localPort);
    }

    private static void checkPort(int port, String what) {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException(what + " out of range: " + port);
    }

    @Override public String toString() {
        return transport.name().toLowerCase(java.util.Locale.ROOT) + ":" + sourceIp + ":" + sourcePort
                + " via " + localIp + ":" + localPort;
    }
}
