package io.sipfleet.sip.message;

/** CSeq (RFC 3261 20.16): a 32-bit unsigned sequence number and the method. */
public record CSeq(long seq, String method) {
    public static final long MAX = 0xFFFF_FFFFL;

    @Override public String toString() { return seq + " " + method; }
}
