package io.sipfleet.switching.config;

import java.util.List;

/**
 * One SIP listen socket: an address and port, and the transports opened on it.
 *
 * @param address    IP literal to bind, IPv4 ({@code "127.0.0.2"}) or IPv6 ({@code "::1"}); not a
 *                   host name, so starting never waits for DNS. {@code "0.0.0.0"} binds every
 *                   interface but then replies leave from whatever address the kernel picks.
 *                   Required.
 * @param port       port, 1..65535. Default 5060.
 * @param transports transports opened on this address and port: {@code "udp"}, {@code "tcp"}.
 *                   At least one, no repeats. Default {@code ["udp", "tcp"]}.
 */
public record Listen(
        String address,
        @Default("5060") int port,
        @Default("[\"udp\", \"tcp\"]") List<SipTransport> transports) {

    public Listen {
        transports = transports == null ? null : List.copyOf(transports);
    }
}
