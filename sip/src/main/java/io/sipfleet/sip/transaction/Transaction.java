package io.sipfleet.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the four RFC 3261 17 state machines share: the request that created the transaction, the
 * peer it talks to, the sender, and the concurrency rules.
 *
 * <p>Concurrency. A retransmission (event loop), a timer (timer thread) and a TU answer (any
 * thread) may hit one transaction at once. Every state change, and the send that goes with it,
 * happens inside a short {@code synchronized (this)} block: {@link SipSender#send} never blocks
 * (it hands the bytes to Netty), so holding the monitor across it costs no more than the state
 * change, and it keeps "state changed" and "message sent" atomic (a timer cannot retransmit a
 * response the TU is replacing). The TU is never called with the monitor held: each entry point
 * decides under the lock what to report, releases it, reports, then {@link #settle()}s. So a TU
 * may call into any other transaction from a callback without lock-order deadlocks.
 *
 * <p>Timers: each pending timer is one {@link Timeout} field; a firing task first checks that it
 * is still the current one and that the state is still the one it was set for, because a
 * cancelled timeout may already be running on the timer thread.
 */
public abstract sealed class Transaction permits ServerTransaction, ClientTransaction {
    final TransactionLayer layer;
    final TransactionKey key;
    /**
     * Non-null while the state machine may still need it (see {@link #request()}): afterwards
     * only the last response (or the ACK) is needed to answer copies, and at 10,000 requests/s
     * with Timer J of 32 s, dropping the parsed request halves the heap the transactions hold.
     */
    volatile SipRequest request;
    final Peer peer;
    final SipSender sender;
    final boolean reliable;
    final TimerConfig timers;

    /** Guarded by {@code this}. */
    TransactionState state;
    private RuntimeException transportError; // guarded by this; reported once by settle()
    private boolean settled;                  // guarded by this; removed from the maps

    Transaction(TransactionLayer layer, TransactionKey key, SipRequest request, Peer peer, SipSender sender,
                TransactionState initial) {
        this.layer = layer;
        this.key = key;
        this.request = request;
        this.peer = peer;
        this.sender = sender;
        this.reliable = peer.transport().isReliable();
        this.timers = layer.timers();
        this.state = initial;
    }

    public final TransactionKey key() { return key; }

    /**
     * The request that created the transaction (for a client: as sent, with our Via); null once
     * the transaction only absorbs copies for 64*T1 and no longer needs it: a non-INVITE server
     * transaction in Completed, an INVITE server transaction in Accepted, an INVITE client
     * transaction in Accepted or Completed, a non-INVITE client transaction in Completed (see the
     * field). A TU that needs it later keeps its own.
     */
    public final SipRequest request() { return request; }

    /** Where responses go (server: the hop the request came from) or where the request went (client). */
    public final Peer peer() { return peer; }

    /** Reliable transport: no retransmission timers, zero D/I/J/K. */
    public final boolean isReliable() { return reliable; }

    public final synchronized TransactionState state() { return state; }

    public final synchronized boolean isTerminated() { return state == TransactionState.TERMINATED; }

    public final boolean isInvite() { return this instanceof InviteServerTransaction || this instanceof InviteClientTransaction; }

    /** Moves to {@code s}; Terminated cancels every timer. Caller holds the lock. */
    final void enter(TransactionState s) {
        state = s;
        if (s == TransactionState.TERMINATED) cancelTimers();
    }

    /** Cancels every pending timer. Caller holds the lock. */
    abstract void cancelTimers();

    final Timeout schedule(Duration delay, TimerTask task) {
        return layer.timer().newTimeout(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * As {@link #schedule}, but {@code task} runs on the event loop that calls this (the timer
     * thread only hands it over), or on the timer thread when the caller is no event loop. For a
     * timer that sends something the loop might send a later message after: written from the timer
     * thread, a message waits in the loop's queue and anything the loop sends meanwhile overtakes
     * it (a 100 Trying went out after the final response that way).
     */
    final Timeout scheduleOnThisLoop(Duration delay, Consumer<Timeout> task) {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null) return schedule(delay, task::accept);
        return schedule(delay, t -> {
            if (loop.inEventLoop()) {
                task.accept(t);
                return;
            }
            try {
                loop.execute(() -> task.accept(t));
            } catch (RejectedExecutionException stopping) {
                // the node is shutting down: nothing is owed any more
            }
        });
    }

    /**
     * The wire bytes of {@code m} as one exact array, for a lingering state that keeps a message
     * only to re-send it (one object instead of the parsed message's dozens); no copy when the
     * message's array is exactly its bytes.
     */
    static byte[] bytesOf(SipMessage m) {
        byte[] a = m.array();
        return a.length == m.length() ? a : Arrays.copyOf(a, m.length());
    }

    /** {@link #bytesOf} parsed again, when the rare copy must go out. */
    static SipMessage parseOwn(byte[] bytes) {
        try {
            return SipParser.parse(bytes);
        } catch (SipParseException e) { // we built and sent these bytes: they parse
            throw new IllegalStateException("own message does not parse: " + e.getMessage(), e);
        }
    }

    static Timeout cancel(Timeout t) {
        if (t != null) t.cancel();
        return null;
    }

    /**
     * Sends {@code m} to the peer. A sender that throws (its contract says it never does) is a
     * transport error (17.1.4, 17.2.4): the transaction terminates and the TU hears of it on
     * {@link #settle()}. Caller holds the lock.
     */
    final boolean send(SipMessage m) {
        try {
            sender.send(m, peer);
            return true;
        } catch (RuntimeException e) {
            sendFailed(e);
            return false;
        }
    }

    /** A transport error: Terminated, reported on {@link #settle()}. Caller holds the lock. */
    private void sendFailed(RuntimeException e) {
        transportError = e;
        enter(TransactionState.TERMINATED);
    }

    /**
     * A client transaction's first send, made <em>without</em> the lock, after its timers are
     * armed: the peer's answer may arrive on another event loop before this thread is back from
     * the socket, and it must not wait for us (in a cluster member, the INVITE goes out on the
     * loop that got the store's reply while the callee's 100 arrives on the other: the lock held
     * across the send was the member's hottest monitor contention). A response delivered during
     * the send finds the timers armed and cancels them as usual. A failed send terminates the
     * transaction and is reported by {@link #settle()}.
     */
    final void sendFirst(SipMessage m) {
        try {
            sender.send(m, peer);
        } catch (RuntimeException e) {
            synchronized (this) {
                sendFailed(e);
            }
        }
    }

    /** {@link #send} of a message sent before (counted for metrics). Caller holds the lock. */
    final void resend(SipMessage m) {
        // Counted before the send: the peer may see the copy, and a test or a scrape read the
        // counter, before this thread gets past send(). A failed send takes it back.
        layer.countRetransmission(+1);
        if (!send(m)) layer.countRetransmission(-1);
    }

    /**
     * Called after every locked section, without the lock: reports a transport error once, and
     * once the transaction is Terminated removes it from the layer (exactly once).
     */
    final void settle() {
        RuntimeException error;
        boolean done;
        synchronized (this) {
            error = transportError;
            transportError = null;
            done = state == TransactionState.TERMINATED && !settled;
            if (done) settled = true;
        }
        try {
            if (error != null) layer.tu().onTransportError(this, error);
        } finally {
            if (done) layer.terminated(this);
        }
    }

    @Override public String toString() {
        return getClass().getSimpleName() + "[" + key + ", " + state() + "]";
    }
}
