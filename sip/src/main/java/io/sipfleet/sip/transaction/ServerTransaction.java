package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.util.Objects;

/**
 * A server transaction (RFC 3261 17.2): the TU answers through {@link #respond}; retransmitted
 * requests are absorbed here (the last response re-sent as the state machine says) and never
 * reach the TU. Responses go back to the {@link Peer} the request came from: the transport
 * applies 18.2.2 / RFC 3581 to it.
 */
public abstract sealed class ServerTransaction extends Transaction
        permits InviteServerTransaction, NonInviteServerTransaction {

    /**
     * The last response sent; null once {@link #compactFinal()} kept only its bytes, or
     * {@link #forgetFinal()} nothing. Guarded by this.
     */
    SipResponse lastResponse;
    /**
     * The final response as bytes alone, in Completed states that last 64*T1 (Timer J): a parsed
     * response holds some 25 objects (Strings, header index, Via, name-addrs), its bytes one
     * array. At 12,000 REGISTER pairs/s, 770,000 completed transactions are live; kept parsed
     * they were most of the heap and the young-GC copying that stalled the event loop. A
     * retransmitted request (rare) parses the bytes again. Guarded by this.
     */
    private byte[] finalBytes;
    private String toTag;     // guarded by this

    ServerTransaction(TransactionLayer layer, TransactionKey key, SipRequest request, Peer from, SipSender sender,
                      TransactionState initial) {
        super(layer, key, request, from, sender, initial);
    }

    /**
     * Sends {@code response} through the transaction. Returns false, sending nothing, when the
     * state machine does not allow it (a final response was sent already, or the transaction
     * ended): a TU racing a CANCEL or a timeout may see that and needs no error.
     */
    public final boolean respond(SipResponse response) {
        Objects.requireNonNull(response, "response");
        boolean sent;
        synchronized (this) { sent = respondLocked(response); }
        settle();
        return sent;
    }

    /**
     * Sends the final {@code response} and ends the transaction at once, as a stateless UAS does
     * (RFC 3261 8.2.7): nothing is kept to absorb retransmissions, which reach the TU again and
     * get a fresh answer. For answers that are cheap and safe to repeat, above all digest
     * challenges (8.2.7 names them): a completed transaction otherwise stays 64*T1 (Timer J) or
     * until the ACK and Timer I, and at 12,000 REGISTER pairs/s the challenges alone kept some
     * 380,000 of them alive. An INVITE gets no 2xx this way (its retransmission belongs to the
     * transaction); the ACK of a non-2xx answered so matches nothing and goes to the TU, which
     * drops an ACK of no call. Returns false, sending nothing, when the transaction had answered.
     *
     * @throws IllegalArgumentException for a provisional response, or a 2xx to an INVITE
     */
    public final boolean respondStateless(SipResponse response) {
        Objects.requireNonNull(response, "response");
        int code = response.statusCode();
        if (code < 200 || (code < 300 && this instanceof InviteServerTransaction)) {
            throw new IllegalArgumentException("a stateless answer is a final, and no 2xx to an INVITE: " + code);
        }
        boolean sent = false;
        synchronized (this) {
            if (state == TransactionState.TRYING || state == TransactionState.PROCEEDING) {
                remember(response);
                enter(TransactionState.TERMINATED);
                sent = send(response);
            }
        }
        settle();
        return sent;
    }

    /** Builds the response per 8.2.6 (To tag: {@link #toTag()}) and sends it. */
    public final boolean respond(int code, String reason) {
        synchronized (this) {
            // Accepted keeps nothing to build from, and sends nothing but a 2xx anyway
            if (request == null && lastResponse == null && finalBytes == null) return false;
        }
        return respond(response(code, reason));
    }

    /**
     * A response to the request per 8.2.6: To tag {@link #toTag()} (none for 100), Timestamp
     * copied. After a non-INVITE transaction completed (its request released) it is built from
     * the last response, which has the same Via, From, To (tagged), Call-ID and CSeq; sending it
     * is refused by the state machine anyway.
     *
     * @throws IllegalStateException for an INVITE transaction past its 2xx (Accepted), which keeps
     *     neither the request nor the response
     */
    public final SipResponse response(int code, String reason) {
        SipRequest r = request;
        if (r == null) {
            SipResponse last = lastResponse();
            if (last == null) {
                throw new IllegalStateException("transaction " + key + " answered with a 2xx (" + state()
                        + ") and keeps neither its request nor a response to build a " + code + " from");
            }
            try {
                return (SipResponse) SipParser.parse(Responses.bytes(last, code, reason, null, null, null));
            } catch (SipParseException e) {
                throw new IllegalStateException("response from the last response failed: " + e.getMessage(), e);
            }
        }
        String ts = r.header(HeaderName.TIMESTAMP);
        HeaderField[] extra = ts != null && code == 100 ? new HeaderField[] {new HeaderField("Timestamp", ts)}
                : new HeaderField[0];
        return Responses.create(r, code, reason, code > 100 ? toTag() : null, extra);
    }

    /**
     * The To tag of this transaction's responses: the request's own (in a dialog), else the tag
     * of the last response sent with one, else a fresh one kept from now on. The 200 to a CANCEL
     * uses it too, as 9.2 asks (same tag as the responses to the INVITE).
     */
    public final synchronized String toTag() {
        if (toTag == null) {
            String t = request.to().tag();
            toTag = t != null ? t : Branches.tag();
        }
        return toTag;
    }

    public final synchronized SipResponse lastResponse() { return lastResponseLocked(); }

    /** The last response, parsed again from {@link #finalBytes} when compacted. Caller holds the lock. */
    final SipResponse lastResponseLocked() {
        if (lastResponse != null || finalBytes == null) return lastResponse;
        return (SipResponse) parseOwn(finalBytes);
    }

    /**
     * Keeps only the bytes of the final response just sent (see {@link #finalBytes}), for a
     * state that only re-sends it. Caller holds the lock.
     */
    private void compactFinal() {
        SipResponse r = lastResponse;
        if (r == null) return;
        finalBytes = bytesOf(r);
        lastResponse = null;
    }

    /**
     * For a state that from now on only absorbs copies (Completed, Accepted, Confirmed): keeps the
     * To tag (a late CANCEL's 200, a late {@link #response}), lets go of the parsed request, and of
     * the final keeps only its bytes when the state re-sends it ({@code resendsFinal}), else nothing.
     * At thousands of calls per second these states are most of the live transactions, so what they
     * keep is most of the heap a call leaves behind. RFC 2543 keys keep both: their matching compares
     * To tags. Caller holds the lock, after sending the final.
     */
    final void keepForLinger(boolean resendsFinal) {
        toTag();
        if (key.isRfc2543()) return;
        request = null;
        if (resendsFinal) compactFinal();
        else forgetFinal();
    }

    /**
     * Keeps nothing of the final response just sent, for a state that never re-sends it (INVITE
     * Accepted). {@link #response} then has nothing to build from. Caller holds the lock.
     */
    private void forgetFinal() {
        lastResponse = null;
        finalBytes = null;
    }

    /**
     * Records {@code r} as the last response. Subclasses call it, and change state, before
     * sending: a sender that delivers synchronously (an in-process peer) may bring the ACK back
     * inside {@code send}. Caller holds the lock.
     */
    final void remember(SipResponse r) {
        lastResponse = r;
        finalBytes = null;
        String t = r.statusCode() > 100 ? r.to().tag() : null;
        if (t != null) toTag = t;
    }

    /**
     * The state machine's answer to a response from the TU: remember, change state, send.
     * Returns whether it was sent. Caller holds the lock.
     */
    abstract boolean respondLocked(SipResponse response);

    /** A retransmission of the request (17.2.1, 17.2.2): re-send or discard. Caller holds the lock. */
    abstract void absorbLocked();

    final void onRetransmission() {
        layer.countAbsorbed(); // before the answer goes out: its receiver may read the counter at once
        synchronized (this) { absorbLocked(); }
        settle();
    }

    /**
     * Whether {@code r}, found under this transaction's key, really belongs to it. RFC 3261 keys
     * are exact. RFC 2543 keys leave out the To tag, compared here (17.2.3): a retransmission (or
     * CANCEL) has the To of the original request.
     */
    boolean matches(SipRequest r) {
        return !key.isRfc2543() || Objects.equals(r.to().tag(), request.to().tag());
    }
}
