package io.sipfleet.switching.keepalive;

import io.sipfleet.sip.transaction.ManualTimer;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The network double: keeps every SIP message and CRLF keep-alive that would have been sent. */
final class RecordingSender implements SipSender, KeepAliveSender {
    record Sent(SipRequest request, Peer to, long atNanos) {
        String branch() { return request.topVia().branch(); }
    }

    private final ManualTimer timer;
    private final List<Sent> sip = new ArrayList<>();
    private final List<Peer> crlf = new ArrayList<>();
    /** Sends to peers matching this throw, like a broken transport would (its contract says it never does). */
    Predicate<Peer> failFor = p -> false;

    RecordingSender(ManualTimer timer) { this.timer = timer; }

    @Override public synchronized void send(SipMessage message, Peer to) {
        if (failFor.test(to)) throw new IllegalStateException("test transport refuses " + to.remote());
        sip.add(new Sent((SipRequest) message, to, timer.nanos()));
    }

    @Override public synchronized void sendCrlf(Peer to) { crlf.add(to); }

    synchronized List<Sent> sip() { return List.copyOf(sip); }

    /** First transmissions only (retransmissions carry the same branch). */
    synchronized List<Sent> pings() {
        List<Sent> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Sent s : sip) if (seen.add(s.branch())) out.add(s);
        return out;
    }

    synchronized List<Peer> crlf() { return List.copyOf(crlf); }

    synchronized void clear() {
        sip.clear();
        crlf.clear();
    }
}
