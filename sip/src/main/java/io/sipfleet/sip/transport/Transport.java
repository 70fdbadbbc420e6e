package io.sipfleet.sip.transport;

/** The transports of a Via sent-protocol (RFC 3261 18, RFC 7118 for WS/WSS). */
public enum Transport {
    UDP, TCP, TLS, WS, WSS;

    /** Reliable transports: no retransmission timers A/E/G, responses over the same connection. */
    public boolean isReliable() { return this != UDP; }

    /** The Via transport token, or null when the stack has no such transport. */
    public static Transport fromVia(String token) {
        for (Transport t : values()) if (t.name().equalsIgnoreCase(token)) return t;
        return null;
    }
}
