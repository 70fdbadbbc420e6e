package io.sipfleet.sip.transport;

import io.sipfleet.sip.message.SipMessage;

/** A parsed message and the hop it arrived on. {@code receivedNanos}: System.nanoTime() at receipt. */
public record Inbound(SipMessage message, Peer from, long receivedNanos) {}
