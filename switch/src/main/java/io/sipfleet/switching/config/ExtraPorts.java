package io.sipfleet.switching.config;

import java.util.List;

/**
 * Ports opened in addition to each {@link Listen} socket, on every listen address: for trunks
 * that insist on sending to a port of their own without a second listen block per address.
 *
 * @param udp extra UDP ports, each 1..65535. Default {@code []}.
 * @param tcp extra TCP ports, each 1..65535. Default {@code []}.
 */
public record ExtraPorts(
        @Default("[]") List<Integer> udp,
        @Default("[]") List<Integer> tcp) {

    public ExtraPorts {
        udp = udp == null ? null : List.copyOf(udp);
        tcp = tcp == null ? null : List.copyOf(tcp);
    }
}
