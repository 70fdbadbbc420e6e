package io.sipfleet.switching.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the switch pings registered clients to keep NAT bindings open and detect dead ones. */
public enum KeepAliveMode {
    /**
     * A double-CRLF ping (RFC 5626 section 4.4.1): the cheapest keep-alive. On a connection the
     * client answers with a single CRLF; over UDP nothing answers, so there it only keeps the NAT
     * binding open and lost pings cannot be counted.
     */
    @JsonProperty("crlf") CRLF,
    /** An OPTIONS request the client must answer: detects dead clients on any transport. */
    @JsonProperty("options") OPTIONS;

    /** The JSON spelling. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
