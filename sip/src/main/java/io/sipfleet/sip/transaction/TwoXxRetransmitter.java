package io.sipfleet.sip.transaction;

import io.netty.util.Timeout;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The UAS core's 2xx retransmission (RFC 3261 13.3.1.4): the INVITE server transaction hands a
 * 2xx to the transport once and leaves, so the core re-sends it at T1, doubling up to T2, until
 * the ACK comes or 64*T1 has passed, whatever the transport (a reliable first hop does not make
 * the path reliable end to end). The ACK of a 2xx is a new transaction with its own branch, so it
 * is matched by dialog and CSeq number: Call-ID, From tag, To tag, CSeq number.
 *
 * <p>One timer per pending 2xx; each entry locks itself only for its own state change and send.
 * Lock order: an INVITE server transaction may start an entry while holding its own lock; an
 * entry never takes a transaction's lock (the ACK of a 2xx has its own branch, so it reaches the
 * retransmitter without passing through a transaction).
 */
public final class TwoXxRetransmitter {

    /** What ties an ACK to the 2xx it acknowledges (13.2.2.4, 13.3.1.4). */
    public record AckKey(String callId, String fromTag, String toTag, long cseq) {
        public static AckKey of(SipMessage m) {
            return new AckKey(m.callId(), m.from().tag(), m.to().tag(), m.cseq().seq());
        }
    }

    private final TransactionLayer layer;
    private final ConcurrentHashMap<AckKey, Entry> pending = new ConcurrentHashMap<>();

    TwoXxRetransmitter(TransactionLayer layer) { this.layer = layer; }

    /** Starts re-sending {@code ok} to {@code to}; replaces an earlier 2xx for the same INVITE. */
    public void start(SipResponse ok, Peer to, SipSender sender) {
        AckKey key = AckKey.of(ok);
        Entry e = new Entry(key, ok, to, sender);
        Entry old = pending.put(key, e);
        if (old != null) old.stop();
        e.arm(layer.timers().t1());
    }

    /** Stops re-sending the 2xx this ACK acknowledges. Returns whether one was pending. */
    public boolean acknowledge(SipRequest ack) {
        Entry e = pending.remove(AckKey.of(ack));
        if (e == null) return false;
        e.stop();
        return true;
    }

    /** Stops re-sending {@code ok} (the first send failed, or the TU ends the dialog). */
    public void stop(SipResponse ok) {
        AckKey key = AckKey.of(ok);
        Entry e = pending.get(key);
        if (e != null && e.response == ok && pending.remove(key, e)) e.stop();
    }

    /** 2xx responses waiting for their ACK. */
    public int size() { return pending.size(); }

    private final class Entry {
        final AckKey key;
        final SipResponse response;
        final Peer to;
        final SipSender sender;
        private Timeout timeout;  // guarded by this
        private Duration interval; // guarded by this
        private Duration elapsed = Duration.ZERO; // guarded by this
        private boolean stopped;  // guarded by this

        Entry(AckKey key, SipResponse response, Peer to, SipSender sender) {
            this.key = key;
            this.response = response;
            this.to = to;
            this.sender = sender;
        }

        synchronized void arm(Duration first) {
            if (stopped) return;
            interval = first;
            timeout = layer.timer().newTimeout(this::fire, first.toNanos(), TimeUnit.NANOSECONDS);
        }

        synchronized void stop() {
            stopped = true;
            timeout = Transaction.cancel(timeout);
        }

        private void fire(Timeout t) {
            boolean gaveUp = false;
            synchronized (this) {
                if (stopped || t != timeout) return;
                elapsed = elapsed.plus(interval);
                Duration limit = layer.timers().timeout();
                if (elapsed.compareTo(limit) >= 0) {
                    stopped = true;
                    gaveUp = true;
                } else {
                    try {
                        layer.countRetransmission(+1); // before: the peer may answer (and be counted) first
                        sender.send(response, to);
                    } catch (RuntimeException e) {
                        layer.countRetransmission(-1);
                        stopped = true; // no transaction to report to; the TU hears of it as a timeout
                        gaveUp = true;
                    }
                    if (!gaveUp && !stopped) { // the send may have brought the ACK already
                        // the last wait is cut so that the give-up lands on 64*T1 exactly
                        Duration next = layer.timers().doubledCapped(interval);
                        Duration left = limit.minus(elapsed);
                        interval = next.compareTo(left) > 0 ? left : next;
                        timeout = layer.timer().newTimeout(this::fire, interval.toNanos(), TimeUnit.NANOSECONDS);
                    }
                }
            }
            if (gaveUp && pending.remove(key, this)) layer.tu().onAckTimeout(response, to);
        }
    }
}
