package io.sipfleet.switching.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.HashedWheelTimer;
import io.sipfleet.cluster.ClusterState;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import io.sipfleet.switching.cdr.Cdr;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallTrackerTest {
    private final Clock clock = Clock.systemUTC();
    private final ClusterState state = ClusterState.inMemory(clock);
    private final HashedWheelTimer timer = new HashedWheelTimer();
    private final List<Cdr> cdrs = new CopyOnWriteArrayList<>();
    private final CallTracker calls = new CallTracker(state.cps(), state.channels(), timer, clock, "s1",
            new CallTracker.Limits(0, 2, Duration.ofHours(1)), cdrs::add);
    private final Peer caller = new Peer(Transport.UDP, new InetSocketAddress("192.0.2.10", 5060),
            new InetSocketAddress("192.0.2.1", 5060), 0);

    @AfterEach void stop() { timer.stop(); }

    private static SipRequest invite(String callId, String fromTag, String branch) throws Exception {
        return (SipRequest) SipParser.parse("INVITE sip:1002@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK" + branch + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:1001@example.com>;tag=" + fromTag + "\r\n"
                + "To: <sip:1002@example.com>\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                + "Content-Length: 0\r\n\r\n");
    }

    private int inUse() { return calls.channelsInUse().toCompletableFuture().join(); }

    private Admission admit(SipRequest invite) {
        return calls.admit(invite, caller, null, 0).toCompletableFuture().join();
    }

    @Test void secondInviteWithTheSameCallIdEndsTheFirstInsteadOfLeakingItsChannel() throws Exception {
        assertThat(admit(invite("c1", "a", "1"))).isEqualTo(Admission.ADMITTED);
        // the same Call-ID again without a To tag (a confused or hostile caller): a new call
        assertThat(admit(invite("c1", "b", "2"))).isEqualTo(Admission.ADMITTED);
        assertThat(inUse()).as("the first call was ended, its channel released").isEqualTo(1);
        assertThat(cdrs).hasSize(1);
        assertThat(cdrs.get(0).endReason()).isEqualTo(io.sipfleet.switching.cdr.EndReason.CALL_ID_REUSED);
        calls.onFinal("c1", 486, null, null);
        assertThat(inUse()).isZero();
        assertThat(calls.active()).isZero();
    }

    @Test void routeCpsLimitIsToldApartFromTheSwitchLimit() throws Exception {
        CallTracker limited = new CallTracker(state.cps(), state.channels(), timer, clock, "s2",
                new CallTracker.Limits(0, 0, Duration.ofHours(1)), cdrs::add);
        assertThat(limited.admit(invite("r1", "a", "3"), caller, "uk", 1).toCompletableFuture().join())
                .isEqualTo(Admission.ADMITTED);
        assertThat(limited.admit(invite("r2", "a", "4"), caller, "uk", 1).toCompletableFuture().join())
                .isEqualTo(Admission.ROUTE_CPS_LIMIT);
    }

    /** A counter standing for a shared store: the in-memory one, its count() reads counted. */
    private static final class CountedReads implements io.sipfleet.cluster.limits.ChannelCounter {
        final io.sipfleet.cluster.limits.ChannelCounter inner;
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        CountedReads(io.sipfleet.cluster.limits.ChannelCounter inner) { this.inner = inner; }
        @Override public java.util.concurrent.CompletionStage<Boolean> tryAcquire(String s, String k, int l) { return inner.tryAcquire(s, k, l); }
        @Override public java.util.concurrent.CompletionStage<Boolean> refresh(String s, String k) { return inner.refresh(s, k); }
        @Override public java.util.concurrent.CompletionStage<Boolean> release(String s, String k) { return inner.release(s, k); }
        @Override public java.util.concurrent.CompletionStage<Integer> count(String s) { reads.incrementAndGet(); return inner.count(s); }
    }

    @Test void aSharedStoresChannelGaugeIsReadOnceForManyChangesAndShowsTheLastOne() throws Exception {
        CountedReads shared = new CountedReads(state.channels());
        CallTracker t = new CallTracker(state.cps(), shared, timer, clock, "s3",
                new CallTracker.Limits(0, 0, Duration.ofHours(1)), cdrs::add);
        java.util.concurrent.atomic.AtomicInteger gauge = new java.util.concurrent.atomic.AtomicInteger(-1);
        for (int i = 0; i < 50; i++) {
            assertThat(t.admit(invite("g" + i, "a", "g" + i), caller, null, 0).toCompletableFuture().join())
                    .isEqualTo(Admission.ADMITTED);
            t.channelsChanged(gauge::set);
        }
        t.onFinal("g0", 486, null, null);
        t.channelsChanged(gauge::set);
        assertThat(shared.reads.get()).as("no read at each change").isZero();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (gauge.get() != 49 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(gauge.get()).as("the gauge after the last change").isEqualTo(49);
        assertThat(shared.reads.get()).as("one read for the 51 changes").isEqualTo(1);
        t.onFinal("g1", 486, null, null);
        t.channelsChanged(gauge::set);
        deadline = System.nanoTime() + 2_000_000_000L;
        while (gauge.get() != 48 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(gauge.get()).as("a later change is read again").isEqualTo(48);
        assertThat(shared.reads.get()).isEqualTo(2);
    }

    @Test void anInMemoryChannelGaugeIsReadAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicInteger gauge = new java.util.concurrent.atomic.AtomicInteger(-1);
        assertThat(admit(invite("m1", "a", "m1"))).isEqualTo(Admission.ADMITTED);
        calls.channelsChanged(gauge::set);
        assertThat(gauge.get()).isEqualTo(1);
    }
}
