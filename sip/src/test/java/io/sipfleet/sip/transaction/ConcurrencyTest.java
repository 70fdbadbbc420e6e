package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.HashedWheelTimer;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real threads and the real HashedWheelTimer (T1 = 5 ms): copies of one request delivered from
 * several event-loop-like threads at once, TU answers from other threads, timers firing in
 * between. Each request must reach the TU once, each client transaction end with one final,
 * and everything must leave the maps.
 */
class ConcurrencyTest {
    private static final TimerConfig FAST = new TimerConfig(Duration.ofMillis(5), Duration.ofMillis(20),
            Duration.ofMillis(20), Duration.ofMillis(2));

    private final HashedWheelTimer wheel = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);
    private final ExecutorService loops = Executors.newFixedThreadPool(8);
    private final ExecutorService tuThreads = Executors.newFixedThreadPool(2);
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        loops.shutdownNow();
        tuThreads.shutdownNow();
        wheel.stop();
    }

    private Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        };
    }

    @Test
    void serverTransactionsUnderConcurrentRetransmissionsAndTimers() {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Map<String, SipResponse> finals = new ConcurrentHashMap<>();
        RecordingUser tu = new RecordingUser() {
            @Override public void onRequest(ServerTransaction tx, SipRequest r) {
                seen.computeIfAbsent(r.topVia().branch(), b -> new AtomicInteger()).incrementAndGet();
                tuThreads.execute(guarded(() -> tx.respond(486, "Busy Here")));
            }
        };
        SipSender net = (m, p) -> {
            if (m instanceof SipResponse r && r.statusCode() == 486) finals.putIfAbsent(r.topVia().branch(), r);
        };
        TransactionLayer layer = new TransactionLayer(tu, net, wheel, FAST, true);

        int n = 300;
        for (int i = 0; i < n; i++) {
            SipRequest invite = Sip.invite("z9hG4bKconc" + i);
            for (int copy = 0; copy < 6; copy++) {
                loops.execute(guarded(() -> layer.onMessage(new Inbound(invite, Sip.UDP_CLIENT, 0), net)));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> finals.size() == n);
        for (int i = 0; i < n; i++) {
            SipRequest invite = Sip.invite("z9hG4bKconc" + i);
            SipRequest ack = Sip.ack(invite, finals.get("z9hG4bKconc" + i), "z9hG4bKconc" + i);
            for (int copy = 0; copy < 3; copy++) {
                loops.execute(guarded(() -> layer.onMessage(new Inbound(ack, Sip.UDP_CLIENT, 0), net)));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> layer.activeServerTransactions() == 0);
        assertThat(failures).isEmpty();
        assertThat(seen).hasSize(n);
        assertThat(seen.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(tu.serverTimeouts).as("every ACK matched").isEmpty();
        assertThat(tu.acks).isEmpty();
    }

    @Test
    void clientTransactionsWithResponsesRacingTimers() {
        Map<String, AtomicInteger> finalsToTu = new ConcurrentHashMap<>();
        RecordingUser tu = new RecordingUser() {
            @Override public void onResponse(ClientTransaction tx, SipResponse r) {
                if (r.isFinal()) finalsToTu.computeIfAbsent(tx.branch(), b -> new AtomicInteger()).incrementAndGet();
            }
        };
        TransactionLayer[] layer = new TransactionLayer[1];
        // the far end answers every copy of every request, from another thread, twice
        SipSender net = (m, p) -> {
            SipRequest r = (SipRequest) m;
            SipResponse ok = Sip.answer(r, 200, "OK", "far");
            for (int k = 0; k < 2; k++) {
                loops.execute(guarded(() -> layer[0].onMessage(new Inbound(ok, Sip.UDP_SERVER, 0), (x, y) -> { })));
            }
        };
        layer[0] = new TransactionLayer(tu, net, wheel, FAST, true);
        int n = 500;
        for (int i = 0; i < n; i++) {
            SipRequest options = Sip.request("OPTIONS", "z9hG4bKx", "conc-" + i + "@x");
            loops.execute(guarded(() -> layer[0].sendRequest(options, Sip.UDP_SERVER, Via.of("UDP", "192.0.2.1", 5060, null))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> finalsToTu.size() == n && layer[0].activeClientTransactions() == 0);
        assertThat(failures).isEmpty();
        assertThat(finalsToTu.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(tu.timeouts).isEmpty();
    }

    @Test
    void productionConstructorOwnsAndStopsItsTimer() {
        RecordingUser tu = new RecordingUser();
        List<Peer> sentTo = new CopyOnWriteArrayList<>();
        try (TransactionLayer layer = new TransactionLayer(tu, (m, p) -> sentTo.add(p))) {
            assertThat(layer.timers()).isEqualTo(TimerConfig.defaults());
            layer.onMessage(Sip.in(Sip.invite("z9hG4bKprod"), Sip.UDP_CLIENT), (m, p) -> sentTo.add(p));
            // the automatic 100 Trying comes from the layer's own wheel after 200 ms
            await().atMost(Duration.ofSeconds(5)).until(() -> sentTo.size() == 1);
            assertThat(sentTo).containsExactly(Sip.UDP_CLIENT);
        }
    }

    @Test
    void senderThatThrowsIsATransportError() {
        RecordingUser tu = new RecordingUser();
        SipSender broken = (m, p) -> { throw new IllegalStateException("socket closed"); };
        ManualTimer t = new ManualTimer();
        TransactionLayer layer = new TransactionLayer(tu, broken, t, TimerConfig.defaults(), true);
        ClientTransaction tx = layer.sendRequest(Sip.request("OPTIONS", "z9hG4bKbroken", "b@x"), Sip.UDP_SERVER);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(tu.transportErrors).hasSize(1);
        assertThat(layer.activeClientTransactions()).isZero();
        assertThat(t.pending()).isZero();

        layer.onMessage(Sip.in(Sip.invite("z9hG4bKbroken2"), Sip.UDP_CLIENT), broken);
        tu.serverTxs.get(0).respond(486, "Busy Here");
        assertThat(tu.transportErrors).hasSize(2);
        assertThat(layer.activeServerTransactions()).isZero();
        assertThat(t.pending()).isZero();
    }
}
