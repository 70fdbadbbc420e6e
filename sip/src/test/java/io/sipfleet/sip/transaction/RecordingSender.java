package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** A network double: keeps what would have been sent, with the (manual) time it was sent at. */
final class RecordingSender implements SipSender {
    record Sent(SipMessage message, Peer to, long atMillis) {
        SipRequest request() { return (SipRequest) message; }

        SipResponse response() { return (SipResponse) message; }

        int status() { return message instanceof SipResponse r ? r.statusCode() : 0; }

        String method() { return message instanceof SipRequest r ? r.method() : null; }
    }

    private final LongSupplier clock;
    private final List<Sent> sent = new ArrayList<>();

    RecordingSender(LongSupplier clockMillis) { this.clock = clockMillis; }

    @Override public synchronized void send(SipMessage message, Peer to) {
        sent.add(new Sent(message, to, clock.getAsLong()));
    }

    synchronized List<Sent> all() { return List.copyOf(sent); }

    synchronized Sent last() { return sent.get(sent.size() - 1); }

    synchronized int size() { return sent.size(); }

    synchronized void clear() { sent.clear(); }

    /** Send times (ms) of responses with this status. */
    synchronized List<Long> timesOfStatus(int status) {
        return sent.stream().filter(s -> s.status() == status).map(Sent::atMillis).toList();
    }

    /** Send times (ms) of requests with this method. */
    synchronized List<Long> timesOfMethod(String method) {
        return sent.stream().filter(s -> method.equals(s.method())).map(Sent::atMillis).toList();
    }

    synchronized List<Sent> responses(int status) { return sent.stream().filter(s -> s.status() == status).toList(); }

    synchronized List<Sent> requests(String method) { return sent.stream().filter(s -> method.equals(s.method())).toList(); }
}
