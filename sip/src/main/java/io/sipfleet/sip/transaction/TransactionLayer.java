package io.sipfleet.sip.transaction;

import io.netty.util.Timer;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.timer.LaneTimer;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.Methods;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipHandler;
import io.sipfleet.sip.transport.SipSender;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The transaction layer (RFC 3261 17): what the transports hand parsed messages to. Requests are
 * matched to server transactions (17.2.3), responses to client transactions (17.1.3); what
 * matches nothing goes to the {@link TransactionUser}. CANCEL is handled here (9.2): answered
 * 200 or 481 by its own non-INVITE transaction, and the TU told to end the INVITE.
 *
 * <p>Runs on the event loops and on the timer thread: the maps are concurrent, each transaction
 * guards its own state (see {@link Transaction}), nothing blocks. A transaction leaves its map
 * when it reaches Terminated.
 *
 * <p>{@code retransmit2xx}: a UAS core re-sends its 2xx until the ACK (13.3.1.4) with a
 * {@link TwoXxRetransmitter}; a proxy must not (the UAS does it end to end), so it turns this off.
 */
public final class TransactionLayer implements SipHandler, AutoCloseable {
    private final TransactionUser tu;
    private final SipSender sender;
    private final Timer timer;
    private final boolean ownsTimer;
    private final TimerConfig timers;
    private final boolean retransmit2xx;
    private final TwoXxRetransmitter twoXx = new TwoXxRetransmitter(this);
    private final ConcurrentHashMap<TransactionKey, ServerTransaction> servers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TransactionKey, ClientTransaction> clients = new ConcurrentHashMap<>();
    private final LongAdder retransmissionsSent = new LongAdder();
    private final LongAdder retransmissionsAbsorbed = new LongAdder();
    private final LongAdder strayResponses = new LongAdder();
    private final LongAdder abandoned = new LongAdder();

    /**
     * Production: RFC 3261 default timers, 2xx retransmission on (UAS), and a timer of its own
     * (a {@link LaneTimer} with a 10 ms tick on a daemon thread), stopped by {@link #close()}.
     * {@code sender} sends client requests; server transactions answer through the sender that
     * delivered the request.
     */
    public TransactionLayer(TransactionUser tu, SipSender sender) {
        this(tu, sender, new LaneTimer("sip-transaction-timer", 10, TimeUnit.MILLISECONDS), true,
                TimerConfig.defaults(), true);
    }

    /** With an injected timer (not stopped by {@link #close()}), e.g. a manual clock in tests. */
    public TransactionLayer(TransactionUser tu, SipSender sender, Timer timer, TimerConfig timers,
                            boolean retransmit2xx) {
        this(tu, sender, timer, false, timers, retransmit2xx);
    }

    private TransactionLayer(TransactionUser tu, SipSender sender, Timer timer, boolean ownsTimer,
                             TimerConfig timers, boolean retransmit2xx) {
        this.tu = Objects.requireNonNull(tu, "tu");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.ownsTimer = ownsTimer;
        this.timers = Objects.requireNonNull(timers, "timers");
        this.retransmit2xx = retransmit2xx;
    }

    // ---- inbound -------------------------------------------------------------------------

    @Override public void onMessage(Inbound inbound, SipSender replies) {
        if (inbound.message() instanceof SipRequest r) onRequest(r, inbound.from(), replies);
        else onResponse((SipResponse) inbound.message(), inbound.from());
    }

    private void onRequest(SipRequest r, Peer from, SipSender replies) {
        String method = r.method();
        if (method.equals(Methods.ACK)) {
            onAck(r, from);
            return;
        }
        ServerTransaction tx = admit(TransactionKey.forServer(r), r, from, replies);
        if (tx == null) return; // it belonged to a live transaction, which absorbed it
        if (method.equals(Methods.CANCEL)) {
            onCancel((NonInviteServerTransaction) tx, r);
            return;
        }
        try {
            tu.onRequest(tx, r);
        } catch (RuntimeException e) {
            tx.respond(500, "Server Internal Error"); // no-op if the TU had answered
            throw e;
        } finally {
            if (tx instanceof InviteServerTransaction ist) ist.startTrying();
            else ((NonInviteServerTransaction) tx).armAbandon();
        }
    }

    /**
     * The new transaction for {@code r}, or null when {@code r} belongs to a live one (17.2.3),
     * which then absorbs it. Looks up before allocating: retransmissions allocate nothing.
     */
    private ServerTransaction admit(TransactionKey key, SipRequest r, Peer from, SipSender replies) {
        while (true) {
            ServerTransaction existing = servers.get(key);
            if (existing == null) {
                ServerTransaction created = r.method().equals(Methods.INVITE)
                        ? new InviteServerTransaction(this, key, r, from, replies)
                        : new NonInviteServerTransaction(this, key, r, from, replies);
                existing = servers.putIfAbsent(key, created);
                if (existing == null) return created;
            }
            if (existing.isTerminated()) {
                servers.remove(key, existing); // settling on another thread: the new request wins
                continue;
            }
            if (existing.matches(r)) {
                existing.onRetransmission(); // 17.2.1 / 17.2.2: never to the TU again
            } else {
                // RFC 2543 peer: same key, another To tag; 8.2.2.2 calls it a merged request
                replies.send(Responses.create(r, 482, "Loop Detected", Branches.tag()), from);
            }
            return null;
        }
    }

    /** 17.2.3: the ACK of a non-2xx final belongs to the INVITE transaction; any other goes to the TU. */
    private void onAck(SipRequest ack, Peer from) {
        ServerTransaction tx = servers.get(TransactionKey.forServer(ack));
        if (tx instanceof InviteServerTransaction ist && ist.matches(ack) && ist.onAck()) return;
        twoXx.acknowledge(ack);
        tu.onAck(ack, from);
    }

    /**
     * 9.2: the CANCEL's transaction answers 200 when an INVITE transaction has the same key
     * (method INVITE), 481 otherwise; the TU hears of it while the INVITE has no final response.
     * A CANCEL of a non-INVITE request is answered 481 (9.1: a UAC should not send one).
     */
    private void onCancel(NonInviteServerTransaction tx, SipRequest cancel) {
        ServerTransaction target = servers.get(tx.key().withMethod(Methods.INVITE));
        if (!(target instanceof InviteServerTransaction invite) || !invite.matches(cancel) || invite.isTerminated()) {
            tx.respond(481, "Call/Transaction Does Not Exist");
            return;
        }
        tx.respond(Responses.create(cancel, 200, "OK", invite.toTag()));
        if (invite.isCancellable()) tu.onCancel(invite, cancel);
    }

    private void onResponse(SipResponse r, Peer from) {
        TransactionKey key = TransactionKey.forResponse(r);
        ClientTransaction tx = key == null ? null : clients.get(key);
        if (tx == null) {
            strayResponses.increment();
            tu.onStrayResponse(r, from);
            return;
        }
        tx.onResponse(r);
    }

    // ---- outbound ------------------------------------------------------------------------

    /**
     * Starts a client transaction for {@code request} (not ACK: an ACK is no transaction, 17) to
     * {@code to}. {@code via}: when not null, pushed as the new top Via with a fresh branch;
     * when null, the request's top Via must already carry an RFC 3261 branch of ours.
     * Returns an {@link InviteClientTransaction} for INVITE, a {@link NonInviteClientTransaction}
     * otherwise.
     */
    public ClientTransaction sendRequest(SipRequest request, Peer to, Via via) {
        Objects.requireNonNull(to, "to");
        if (request.method().equals(Methods.ACK)) {
            throw new IllegalArgumentException("ACK is sent without a transaction (17.1.1.3, 13.2.2.4)");
        }
        SipRequest r = via == null ? request : withNewVia(request, via);
        Via top = r.topVia();
        if (!top.hasRfc3261Branch()) {
            throw new IllegalArgumentException("top Via has no RFC 3261 branch: " + top);
        }
        TransactionKey key = TransactionKey.forClient(top.branch(), r.method());
        ClientTransaction tx = r.method().equals(Methods.INVITE)
                ? new InviteClientTransaction(this, key, r, to, sender)
                : new NonInviteClientTransaction(this, key, r, to, sender);
        if (clients.putIfAbsent(key, tx) != null) {
            throw new IllegalStateException("a client transaction already uses branch " + top.branch());
        }
        tx.start(); // registered first: the response may come back before start() returns
        return tx;
    }

    /** {@link #sendRequest(SipRequest, Peer, Via)} with the request's own top Via. */
    public ClientTransaction sendRequest(SipRequest request, Peer to) { return sendRequest(request, to, null); }

    /** {@code request} with {@code via} (branch replaced by {@link Branches#next()}) as the top Via. */
    public static SipRequest withNewVia(SipRequest request, Via via) {
        Via v = via.withParam("branch", Branches.next());
        return (SipRequest) request.edit().addFirst(v).build();
    }

    /**
     * Cancels the INVITE of {@code tx} (9.1): the CANCEL goes out at once if a provisional
     * response came, else as soon as one does; never after a final response. Its responses
     * reach the TU through {@code onResponse} with the CANCEL's own transaction. Returns false
     * when it is too late to cancel.
     */
    public boolean cancel(InviteClientTransaction tx) { return tx.requestCancel(); }

    /** Sends the CANCEL of {@code invite} in its own transaction, to the same peer (9.1). */
    void startCancel(InviteClientTransaction invite) {
        SipRequest cancel = ClientRequests.cancel(invite.request());
        TransactionKey key = TransactionKey.forClient(invite.branch(), Methods.CANCEL);
        NonInviteClientTransaction tx = new NonInviteClientTransaction(this, key, cancel, invite.peer(), invite.sender);
        if (clients.putIfAbsent(key, tx) != null) return;
        tx.start();
        invite.cancelSent();
    }

    // ---- bookkeeping ---------------------------------------------------------------------

    void terminated(Transaction tx) {
        if (tx instanceof ServerTransaction s) servers.remove(tx.key(), s);
        else clients.remove(tx.key(), (ClientTransaction) tx);
        tu.onTerminated(tx);
    }

    void countRetransmission(int n) { retransmissionsSent.add(n); }

    void countAbsorbed() { retransmissionsAbsorbed.increment(); }

    void countAbandoned() { abandoned.increment(); }

    /** Non-INVITE server transactions the TU never answered, ended after 64*T1. */
    public long abandonedTransactions() { return abandoned.sum(); }

    TransactionUser tu() { return tu; }

    Timer timer() { return timer; }

    TwoXxRetransmitter twoXx() { return twoXx; }

    boolean retransmits2xx() { return retransmit2xx; }

    public TimerConfig timers() { return timers; }

    /** The server transaction with this key, or null (for a TU that keys its own state by it). */
    public ServerTransaction serverTransaction(TransactionKey key) { return servers.get(key); }

    public ClientTransaction clientTransaction(TransactionKey key) { return clients.get(key); }

    // ---- metrics -------------------------------------------------------------------------

    public int activeServerTransactions() { return servers.size(); }

    public int activeClientTransactions() { return clients.size(); }

    /** 2xx responses the UAS core is still re-sending (waiting for their ACK). */
    public int pending2xx() { return twoXx.size(); }

    /** Messages sent again: timers A, E, G, 2xx re-sends, answers to retransmitted requests, re-sent ACKs. */
    public long retransmissionsSent() { return retransmissionsSent.sum(); }

    /** Retransmitted requests, ACKs and finals that a transaction absorbed (the TU never saw them). */
    public long retransmissionsAbsorbed() { return retransmissionsAbsorbed.sum(); }

    /** Responses that matched no client transaction. */
    public long strayResponses() { return strayResponses.sum(); }

    /** Stops the timer when the layer created it. Pending transactions simply stop ticking. */
    @Override public void close() {
        if (ownsTimer) timer.stop();
    }
}
