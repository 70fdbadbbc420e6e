package io.sipfleet.switching.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A transport a listen socket accepts, written in lowercase in the JSON ({@code "udp"}, {@code "tcp"}). */
public enum SipTransport {
    @JsonProperty("udp") UDP,
    @JsonProperty("tcp") TCP;

    /** The JSON spelling. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
