package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.limits.CallAdmission.CalleeAdmission;
import io.sipfleet.cluster.limits.CallAdmission.Verdict;
import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.cluster.location.RegisterRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link CallAdmission} does, in memory (the two limiters in turn) and on Redis (one
 * script): the order of the checks, what a refused attempt keeps (CPS slots, never a channel),
 * idempotent channels, CPS-only admissions. On a clock the test moves.
 */
abstract class CallAdmissionContract {
    static final Duration TTL = Duration.ofSeconds(90);
    static final int NO_LIMIT = Integer.MAX_VALUE;
    final AtomicLong now = new AtomicLong(1_000_000);
    CallAdmission admission;
    ChannelCounter channels;
    /** The location store a callee is looked up in ({@link CallAdmission#admitCallee}), on the same clock. */
    LocationStore location;

    /**
     * Sets {@link #admission}, {@link #channels} (the counter it takes leases in) and {@link #location},
     * empty, on {@code millis}.
     */
    abstract void create(LongSupplier millis, Duration ttl);

    @BeforeEach
    void createAdmission() { create(now::get, TTL); }

    Verdict admit(int cps, String route, int routeCps, String callKey, int channelLimit) {
        return admission.admit("cps:cluster", cps, route, routeCps, callKey == null ? null : "cluster", callKey, channelLimit)
                .toCompletableFuture().join();
    }

    int count() { return channels.count("cluster").toCompletableFuture().join(); }

    boolean release(String key) { return channels.release("cluster", key).toCompletableFuture().join(); }

    @Test
    void serverCpsWindowThenRefusedUntilASlotIsASecondOld() {
        for (int i = 0; i < 3; i++) assertThat(admit(3, null, 0, "c" + i, NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(3, null, 0, "c3", NO_LIMIT)).isEqualTo(Verdict.CPS_LIMIT);
        assertThat(count()).isEqualTo(3);                                   // the refused call took no channel
        now.addAndGet(999);
        assertThat(admit(3, null, 0, "c4", NO_LIMIT)).isEqualTo(Verdict.CPS_LIMIT);
        now.addAndGet(1);
        assertThat(admit(3, null, 0, "c5", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void routeCpsRefusalKeepsTheServerSlotItTook() {
        assertThat(admit(4, "cps:route:r1", 1, "c0", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(4, "cps:route:r1", 1, "c1", NO_LIMIT)).isEqualTo(Verdict.ROUTE_CPS_LIMIT);
        assertThat(admit(4, "cps:route:r2", 1, "c2", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(4, null, 0, "c3", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        // 4 server slots taken (c1's too, CPS counts attempts): the 5th attempt is refused.
        assertThat(admit(4, null, 0, "c4", NO_LIMIT)).isEqualTo(Verdict.CPS_LIMIT);
        assertThat(count()).isEqualTo(3);
    }

    @Test
    void channelRefusalKeepsTheCpsSlotButTakesNoChannel() {
        assertThat(admit(3, null, 0, "c0", 1)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(3, null, 0, "c1", 1)).isEqualTo(Verdict.CHANNEL_LIMIT);
        assertThat(count()).isEqualTo(1);
        assertThat(release("c0")).isTrue();
        assertThat(release("c0")).isFalse();                                // idempotent
        assertThat(admit(3, null, 0, "c2", 1)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(3, null, 0, "c3", 2)).isEqualTo(Verdict.CPS_LIMIT); // c1's attempt counted
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void retransmittedInviteKeepsItsChannelAtTheLimit() {
        assertThat(admit(0, null, 0, "c0", 1)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(0, null, 0, "c0", 1)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(0, null, 0, "c1", 1)).isEqualTo(Verdict.CHANNEL_LIMIT);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void cpsOnlyAdmissionTakesNoChannel() {
        assertThat(admit(2, "cps:route:r", 5, null, 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(2, null, 0, null, 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(2, null, 0, null, 0)).isEqualTo(Verdict.CPS_LIMIT);
        assertThat(count()).isZero();
        assertThat(admit(0, null, 0, null, 0)).isEqualTo(Verdict.ADMITTED);  // nothing to check
    }

    @Test
    void leaseTakenByAdmissionExpiresUnlessRefreshed() {
        assertThat(admit(0, null, 0, "live", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(0, null, 0, "leaked", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        now.addAndGet(60_000);
        assertThat(channels.refresh("cluster", "live").toCompletableFuture().join()).isTrue();
        now.addAndGet(30_000);
        assertThat(count()).isEqualTo(1);
        assertThat(release("live")).isTrue();
        assertThat(count()).isZero();
    }

    // --- a call to a subscriber: the callee's bindings and the admission in one step ---------------

    static final String CALLEE = "sip:19999@sipfleet.local";

    void register(String contact, int expires) {
        var request = new RegisterRequest("reg-" + contact, 1, false, List.of(ContactUpdate.of(contact, expires)),
                Flow.udp("203.0.113.7", 40123, "10.0.0.1", 5060), "PhoneX/1.0", "switch-a", null, 0, now.get());
        location.register(CALLEE, request).toCompletableFuture().join();
    }

    CalleeAdmission admitCallee(int cps, String callKey, int channelLimit) {
        return admission.admitCallee(location, CALLEE, "cps:cluster", cps, callKey == null ? null : "cluster", callKey,
                channelLimit).toCompletableFuture().join();
    }

    @Test
    void calleeWithoutABindingIsNotAdmittedAndTakesNothing() {
        CalleeAdmission a = admitCallee(1, "c0", 1);
        assertThat(a.bindings()).isEmpty();
        assertThat(a.verdict()).isNull();
        assertThat(count()).isZero();
        assertThat(admit(1, null, 0, "c1", 1)).isEqualTo(Verdict.ADMITTED);  // the CPS slot and the channel were free
    }

    @Test
    void calleeWithABindingIsFoundAndAdmittedInOneStep() {
        register("sip:19999@203.0.113.7:40123", 3600);
        register("sip:19999@198.51.100.9:5062", 3600);
        CalleeAdmission a = admitCallee(2, "c0", 1);
        assertThat(a.verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(a.bindings()).extracting(Binding::contact)
                .containsExactlyInAnyOrder("sip:19999@203.0.113.7:40123", "sip:19999@198.51.100.9:5062");
        assertThat(a.bindings()).isEqualTo(location.lookup(CALLEE).toCompletableFuture().join());
        assertThat(count()).isEqualTo(1);
        // the limits hold as for admit: the channel is taken, then the CPS window is full
        assertThat(admitCallee(2, "c1", 1).verdict()).isEqualTo(Verdict.CHANNEL_LIMIT);
        CalleeAdmission refused = admitCallee(2, "c2", NO_LIMIT);
        assertThat(refused.verdict()).isEqualTo(Verdict.CPS_LIMIT);
        assertThat(refused.bindings()).hasSize(2);                          // found all the same
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void anExpiredBindingIsNotFoundAndAdmitsNothing() {
        register("sip:19999@203.0.113.7:40123", 60);
        assertThat(admitCallee(0, "c0", NO_LIMIT).bindings()).hasSize(1);
        assertThat(release("c0")).isTrue();
        now.addAndGet(60_000);                                               // the binding's expiry
        CalleeAdmission a = admitCallee(0, "c1", NO_LIMIT);
        assertThat(a.bindings()).isEmpty();
        assertThat(a.verdict()).isNull();
        assertThat(count()).isZero();
    }

    @Test
    void calleeCpsOnlyAdmissionTakesNoChannel() {
        register("sip:19999@203.0.113.7:40123", 3600);
        assertThat(admitCallee(1, null, 0).verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(admitCallee(1, null, 0).verdict()).isEqualTo(Verdict.CPS_LIMIT);
        assertThat(count()).isZero();
        CalleeAdmission nothingToCheck = admitCallee(0, null, 0);           // a lookup is all there is
        assertThat(nothingToCheck.verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(nothingToCheck.bindings()).hasSize(1);
    }
}
