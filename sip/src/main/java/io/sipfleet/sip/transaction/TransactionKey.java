package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.Methods;
import java.util.Locale;

/**
 * What a transaction is found by (RFC 3261 17.1.3 and 17.2.3).
 *
 * <p>Server side, RFC 3261 peers: the top Via's branch, its sent-by, and the method, where ACK
 * counts as INVITE (the ACK of a non-2xx final belongs to the INVITE transaction) and CANCEL
 * keeps its own transaction. Client side: the branch of the top Via (our own) and the CSeq
 * method; {@code sentBy} is null.
 *
 * <p>Server side, RFC 2543 peers (branch missing, not starting with {@code z9hG4bK}, or exactly
 * {@code z9hG4bK}, RFC 4475 3.2.1): {@code legacy} holds Request-URI, From tag, Call-ID, CSeq
 * number and the whole top Via. The To tag is deliberately not in the key, because the ACK
 * carries the tag of our response while the INVITE carried none: the transaction compares it
 * after the look-up (see {@code ServerTransaction.matches}). Two live transactions differing only
 * in the To tag cannot come from a conforming peer.
 *
 * <p>Fields are compared textually (a retransmission is byte-identical); sent-by hosts are
 * compared case-insensitively.
 */
public record TransactionKey(String branch, String sentBy, String method, Rfc2543Id legacy) {

    /** The RFC 2543 fallback identity of 17.2.3 (the To tag is checked separately). */
    public record Rfc2543Id(String requestUri, String fromTag, String callId, long cseq, String topVia) {}

    /** The key of the server transaction an incoming request belongs to (ACK: the INVITE's). */
    public static TransactionKey forServer(SipRequest request) {
        String method = request.method();
        if (method.equals(Methods.ACK)) method = Methods.INVITE;
        return forServer(request, method);
    }

    /** The key of the server transaction with this method and the request's identity (9.2: CANCEL → INVITE). */
    public static TransactionKey forServer(SipRequest request, String method) {
        Via via = request.topVia();
        if (via.hasRfc3261Branch()) {
            return new TransactionKey(via.branch(), sentBy(via), method, null);
        }
        return new TransactionKey(null, null, method, new Rfc2543Id(request.requestUri().toString(),
                request.from().tag(), request.callId(), request.cseq().seq(), via.toString()));
    }

    /** A peer's sent-by text, lowercased, as the keys hold it. */
    private record SentBy(String host, int port, String text) {}

    /**
     * The sent-by texts of recent peers, direct-mapped by host and port: one String per peer
     * rather than a concatenation (and a lowercase copy) per request, which every server
     * transaction then kept for as long as it lingers. Racy on purpose: an entry is immutable,
     * and a lost write only means the text is built once more.
     */
    private static final SentBy[] SENT_BY = new SentBy[256];

    static String sentBy(Via via) {
        String host = via.host();
        int port = via.port();
        int slot = (host.hashCode() * 31 + port) & (SENT_BY.length - 1);
        SentBy s = SENT_BY[slot];
        if (s != null && s.port() == port && s.host().equals(host)) return s.text();
        String text = via.sentBy().toLowerCase(Locale.ROOT);
        SENT_BY[slot] = new SentBy(host, port, text);
        return text;
    }

    /** The key of a client transaction: our branch and the method (17.1.3). */
    public static TransactionKey forClient(String branch, String method) {
        return new TransactionKey(branch, null, method, null);
    }

    /** The client transaction a response belongs to, or null when its top Via has no usable branch. */
    public static TransactionKey forResponse(SipResponse response) {
        Via via = response.topVia();
        if (via == null || !via.hasRfc3261Branch()) return null;
        return new TransactionKey(via.branch(), null, response.cseq().method(), null);
    }

    public TransactionKey withMethod(String m) { return new TransactionKey(branch, sentBy, m, legacy); }

    /** True when this key came from the RFC 2543 fallback. */
    public boolean isRfc2543() { return legacy != null; }
}
