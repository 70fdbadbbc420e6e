package io.sipfleet.switching.keepalive;

import io.sipfleet.sip.transaction.ManualTimer;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.InMemoryLocationStore;
import io.sipfleet.cluster.location.RegisterRequest;
import io.sipfleet.cluster.location.RegistrationResult;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.TimerConfig;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler wired like the switch wires it, with a real transaction layer and location store
 * on a manual clock: one wheel slot per second ({@code ticksPerSecond = 1}), and {@link #run}
 * moves time a second per tick.
 */
final class Harness {
    static final String ME = "sw-1";

    final ManualTimer timer = new ManualTimer();
    final RecordingSender net = new RecordingSender(timer);
    final InMemoryLocationStore store = new InMemoryLocationStore(timer.wallClock());
    final Events events = new Events();
    final TransactionLayer layer;
    final KeepAliveScheduler scheduler;
    private final AtomicLong cseq = new AtomicLong();
    /** False: a TransactionUser that, like some, does not forward onTerminated. */
    volatile boolean forwardTerminated = true;

    /** What the switch would export as metrics. */
    static final class Events implements KeepAliveEvents {
        final List<String> lost = new ArrayList<>();
        final List<Duration> rtts = new ArrayList<>();

        @Override public synchronized void onRtt(String aor, String contact, Duration rtt) { rtts.add(rtt); }

        @Override public synchronized void onLost(String aor, String contact) { lost.add(aor + " " + contact); }
    }

    Harness() { this(KeepAliveSettings.defaults(ME).withFromDomain("example.com")); }

    Harness(KeepAliveSettings settings) {
        KeepAliveScheduler[] ref = new KeepAliveScheduler[1];
        // The switch's TransactionUser: our transactions to the scheduler, everything else elsewhere.
        TransactionUser tu = new TransactionUser() {
            @Override public void onRequest(ServerTransaction tx, SipRequest request) {}
            @Override public void onAck(SipRequest ack, Peer from) {}
            @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) {}
            @Override public void onResponse(ClientTransaction tx, SipResponse response) {
                assertThat(ref[0].onResponse(tx, response)).as("response to our ping").isTrue();
            }
            @Override public void onTimeout(ClientTransaction tx) {
                assertThat(ref[0].onTimeout(tx)).as("timeout of our ping").isTrue();
            }
            @Override public void onTerminated(Transaction tx) { if (forwardTerminated) ref[0].onTerminated(tx); }
        };
        layer = new TransactionLayer(tu, net, timer, TimerConfig.defaults(), false);
        scheduler = new KeepAliveScheduler(settings, layer, net, store, events, timer.wallClock(), timer::nanos, 1);
        ref[0] = scheduler;
        store.addListener(scheduler);
    }

    /** REGISTERs {@code contact} for {@code aor} from {@code sourceIp:sourcePort} on UDP 10.0.0.1:5060. */
    Binding register(String aor, String contact, String sourceIp, int sourcePort) {
        return register(aor, contact, Flow.udp(sourceIp, sourcePort, "10.0.0.1", 5060), ME, 3600);
    }

    /** Writes the binding to the store, then tracks what it added or refreshed (as the registrar does); null when gone. */
    Binding register(String aor, String contact, Flow flow, String member, int expires) {
        RegistrationResult r = store.register(aor, new RegisterRequest("reg-" + aor, cseq.incrementAndGet(), false,
                List.of(ContactUpdate.of(contact, expires)), flow, "test-phone", member, null, 0,
                timer.wallClock().millis())).toCompletableFuture().join();
        assertThat(r.isOk()).isTrue();
        r.added().forEach(scheduler::track);
        r.refreshed().forEach(scheduler::track);
        return r.bindings().stream().filter(b -> b.contact().equals(contact)).findFirst().orElse(null);
    }

    /** {@code seconds} ticks of the wheel, time moving one second after each (transaction timers run). */
    void run(int seconds) {
        for (int i = 0; i < seconds; i++) {
            scheduler.tick();
            timer.advance(Duration.ofSeconds(1));
        }
    }

    /** Ticks without moving time: no retransmission, no timeout. */
    void tickOnly(int ticks) {
        for (int i = 0; i < ticks; i++) scheduler.tick();
    }

    /** The UA answers {@code ping} with {@code status}, as if the transport had read it from the ping's peer. */
    void answer(RecordingSender.Sent ping, int status) {
        SipResponse r = Responses.create(ping.request(), status, "Whatever", "ua-tag");
        layer.onMessage(new Inbound(r, ping.to(), timer.nanos()), net);
    }

    boolean inStore(String aor, String contact) {
        return store.lookup(aor).toCompletableFuture().join().stream().anyMatch(b -> b.contact().equals(contact));
    }

    static Flow flow(Transport t, String src, int srcPort, String local, int localPort) {
        return new Flow(t, src, srcPort, local, localPort);
    }
}
