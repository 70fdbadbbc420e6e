package io.sipfleet.switching.calls;

import io.netty.util.Timeout;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.cdr.Cdr;

/**
 * One call the switch carries, from the admitted INVITE to its end. Holds what in-dialog routing
 * needs behind NAT (the flow of each side) and what the CDR needs. Mutable, guarded by itself;
 * owned by {@link CallTracker}.
 */
public final class Call {
    final String callId;
    final String callerTag;
    final Peer caller;          // where the caller's requests came from: requests to it go there
    final Cdr.Builder cdr;
    final String channelKey;
    /**
     * The channel is held in this member's local fallback counter (admitted while the cluster's
     * store was down, storeFailMode open), not in the store; moved to the store at the first lease
     * refresh that reaches it. Guarded by this.
     */
    boolean localLease;
    /** Also holds a lease in this member's own scope (memberChannelLimit set), so others see its load. */
    boolean memberLease;
    Peer callee;                // the hop whose branch answered 2xx
    String calleeTag;
    boolean answered;
    boolean ended;
    Timeout sessionTimer;

    Call(String callId, String callerTag, Peer caller, Cdr.Builder cdr, String channelKey) {
        this.callId = callId;
        this.callerTag = callerTag;
        this.caller = caller;
        this.cdr = cdr;
        this.channelKey = channelKey;
    }

    public String callId() { return callId; }

    public synchronized boolean isAnswered() { return answered; }

    public synchronized boolean isEnded() { return ended; }

    /** The hop a request from the side tagged {@code fromTag} goes to: the other side's flow. */
    public synchronized Peer peerOpposite(String fromTag) {
        if (fromTag != null && fromTag.equals(callerTag)) return callee;
        return caller;
    }

    public synchronized boolean fromCaller(String fromTag) { return fromTag != null && fromTag.equals(callerTag); }

    /** The address the caller's INVITE came from. */
    public java.net.InetAddress callerAddress() { return caller.remote().getAddress(); }
}
