package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.transport.Peer;
import org.junit.jupiter.api.Test;

class NonInviteClientTransactionTest {
    private final Fixture f = new Fixture();

    private NonInviteClientTransaction send(Peer to, String transport) {
        SipRequest options = Sip.request("OPTIONS", "UDP", "z9hG4bKup", "opt-out@192.0.2.1", 7, null, null);
        return (NonInviteClientTransaction) f.layer.sendRequest(options, to, Via.of(transport, "192.0.2.1", 5060, null));
    }

    @Test
    void timerEDoublesUpToT2AndTimerFTimesOut() {
        NonInviteClientTransaction tx = send(Sip.UDP_SERVER, "UDP");
        f.advance(31_999);
        assertThat(f.net.timesOfMethod("OPTIONS")).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L,
                19500L, 23500L, 27500L, 31500L);
        assertThat(f.tu.timeouts).isEmpty();
        f.advance(1);
        assertThat(f.tu.timeouts).containsExactly(tx);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        f.assertIdle();
    }

    @Test
    void inProceedingTimerEFiresEveryT2() {
        NonInviteClientTransaction tx = send(Sip.UDP_SERVER, "UDP");
        f.advance(100);
        f.receive(Sip.answer(tx.request(), 100, "Trying", null), Sip.UDP_SERVER);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        f.advance(12_000 - 100);
        // E still fires at 500 (armed in Trying), then every T2
        assertThat(f.net.timesOfMethod("OPTIONS")).containsExactly(0L, 500L, 4500L, 8500L);
        f.advance(20_000);
        assertThat(f.tu.timeouts).containsExactly(tx);
        f.assertIdle();
    }

    @Test
    void finalGoesToTheTuOnceAndTimerKCleansUp() {
        NonInviteClientTransaction tx = send(Sip.UDP_SERVER, "UDP");
        SipResponse ok = Sip.answer(tx.request(), 200, "OK", "srv");
        f.receive(ok, Sip.UDP_SERVER);
        f.receive(ok, Sip.UDP_SERVER);
        assertThat(f.tu.statuses()).containsExactly(200);
        assertThat(f.layer.retransmissionsAbsorbed()).isEqualTo(1);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.advance(4_999);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.advance(1); // K = T4
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.net.timesOfMethod("OPTIONS")).containsExactly(0L);
        f.assertIdle();
    }

    @Test
    void reliableTransportHasNoTimerEAndTimerKIsZero() {
        NonInviteClientTransaction tx = send(Sip.TCP_SERVER, "TCP");
        f.advance(10_000);
        assertThat(f.net.timesOfMethod("OPTIONS")).containsExactly(0L);
        f.receive(Sip.answer(tx.request(), 200, "OK", "srv"), Sip.TCP_SERVER);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        f.assertIdle();
    }

    @Test
    void timerFStillAppliesOverReliableTransport() {
        NonInviteClientTransaction tx = send(Sip.TCP_SERVER, "TCP");
        f.advance(32_000);
        assertThat(f.tu.timeouts).containsExactly(tx);
        f.assertIdle();
    }
}
