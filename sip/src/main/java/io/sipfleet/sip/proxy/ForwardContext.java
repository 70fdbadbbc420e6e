package io.sipfleet.sip.proxy;

import io.netty.util.Timeout;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transport.Peer;
import java.util.ArrayList;
import java.util.List;

/**
 * The response context of one forwarded request (RFC 3261 16.7): its server transaction, its
 * branches, the best final response so far. State changes happen under this object's lock;
 * sending happens after the lock is released (the proxy decides, then acts).
 */
final class ForwardContext {
    final ServerTransaction server;
    /**
     * The request as received; null once the context settled ({@link #release}). Guarded by this:
     * read it under the lock, into a local, before using it outside.
     */
    SipRequest request;
    final Peer from;
    /** For log lines, also after {@link #release}. */
    final String callId;
    CallEvents events; // null once released; reported to before the context settles
    final List<Branch> branches = new ArrayList<>(2);
    SipResponse best;
    Target bestTarget;
    boolean answered;   // a 2xx went upstream
    boolean finalSent;  // the final response went upstream (2xx or the selected non-2xx)
    boolean cancelled;  // CANCEL from upstream, or Timer C
    int timeoutCode;    // what to answer when every branch ends without a final (408)
    Timeout timerC;
    // Serial forking only (null/false otherwise): candidates not tried yet, the policy, how each
    // attempt's copy is prepared from the request (our Record-Route or not, the caller's own lines).
    java.util.ArrayDeque<Target> remaining;
    SerialPolicy policy;
    boolean recordRoute; // a branch prepared from the request itself (serial, or a single target) gets our Record-Route
    java.util.function.Consumer<io.sipfleet.sip.message.MessageEditor> ownEntries; // serial: the caller's own lines, or null
    boolean exhausted; // every candidate failed over: the policy's final goes upstream as is

    ForwardContext(ServerTransaction server, SipRequest request, Peer from, CallEvents events) {
        this.server = server;
        this.request = request;
        this.from = from;
        this.callId = request.callId();
        this.events = events;
    }

    /**
     * The caller has its final answer: drop what only deciding it needed. An INVITE's branches
     * stay in the proxy's table while their client transactions linger in Accepted (Timer M,
     * 64*T1 = 32 s) to relay 2xx retransmissions, which needs only {@link #from}; holding the
     * parsed INVITE and the best response that long was most of the switch's live heap under
     * load (50,000 contexts at 2,000 calls/s). Caller holds the lock.
     */
    void release() {
        request = null;
        best = null;
        events = null;
        remaining = null;
        policy = null;
        ownEntries = null;
    }

    boolean allBranchesDone() {
        for (Branch b : branches) if (!b.done) return false;
        return true;
    }

    /** One forwarded copy of the request. */
    static final class Branch {
        final ForwardContext context;
        final Target target;
        ClientTransaction tx; // set (under the context's lock) once sendRequest returned
        boolean done;        // a final response (or a timeout) arrived
        boolean provisional; // a 1xx arrived: CANCEL may go now (9.1)
        boolean cancelRequested; // cancel asked for before tx was set: done right after it is
        boolean abandoned;   // given up (serial silence, destination down): its late non-2xx answers are ignored
        Timeout silence;     // the serial policy's no-answer timeout until the branch answers; set before the branch is published

        Branch(ForwardContext context, Target target) {
            this.context = context;
            this.target = target;
        }

        /**
         * The no-answer timeout, handed over to be cancelled once the branch answered or ended:
         * cancelled at once, it lets go of the branch and its context (a dispatcher's whole call
         * context for the policy's no-answer time, per INVITE). Caller holds the context's lock.
         */
        Timeout takeSilence() {
            Timeout t = silence;
            silence = null;
            return t;
        }
    }
}
