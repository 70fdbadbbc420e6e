package io.sipfleet.sip.proxy;

import java.time.Duration;

/**
 * Proxy behaviour. {@code ringTimeout}: RFC 3261 16.6 Timer C, how long an INVITE may ring
 * before the proxy cancels its branches and answers 408 (default 120 s; the RFC's minimum of
 * 3 min is longer than carriers ring). {@code recordRoute}: stay in the path of in-dialog
 * requests (needed for BYE-based channel accounting and CDRs, so on by default).
 */
public record ProxySettings(Duration ringTimeout, boolean recordRoute) {
    public static ProxySettings defaults() { return new ProxySettings(Duration.ofSeconds(120), true); }
}
