package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import org.junit.jupiter.api.Test;

class InviteClientTransactionTest {
    private final Fixture f = new Fixture();

    /** An INVITE of ours: the layer pushes our Via with a fresh branch. */
    private InviteClientTransaction send(SipRequest invite) {
        return (InviteClientTransaction) f.layer.sendRequest(invite, Sip.UDP_SERVER,
                Via.of("UDP", "192.0.2.1", 5060, null));
    }

    private static SipRequest outgoingInvite(String extra) {
        // what a UAC core hands over: its own request, before the transaction adds the Via
        return Sip.request("INVITE", "UDP", "z9hG4bKupstream1", "call-out@192.0.2.1", 101, null, extra);
    }

    @Test
    void addsTopViaWithFreshBranchAndSendsToThePeer() {
        InviteClientTransaction tx = send(outgoingInvite(null));
        SipRequest sent = f.net.last().request();
        assertThat(f.net.last().to()).isEqualTo(Sip.UDP_SERVER);
        assertThat(sent.vias()).hasSize(2);
        assertThat(sent.topVia().sentBy()).isEqualTo("192.0.2.1:5060");
        assertThat(sent.topVia().branch()).startsWith("z9hG4bK").isEqualTo(tx.branch());
        assertThat(tx.key()).isEqualTo(TransactionKey.forClient(tx.branch(), "INVITE"));
        assertThat(tx.state()).isEqualTo(TransactionState.CALLING);
    }

    @Test
    void timerARetransmitsDoublingAndTimerBTimesOut() {
        InviteClientTransaction tx = send(outgoingInvite(null));
        f.advance(31_999);
        // 17.1.1.2: A doubles without the T2 cap
        assertThat(f.net.timesOfMethod("INVITE")).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L);
        assertThat(f.tu.timeouts).isEmpty();
        f.advance(1);
        assertThat(f.tu.timeouts).containsExactly(tx);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.layer.retransmissionsSent()).isEqualTo(6);
        f.assertIdle();
    }

    @Test
    void provisionalStopsTimerAAndTimerB() {
        InviteClientTransaction tx = send(outgoingInvite(null));
        f.advance(600);
        f.receive(Sip.answer(tx.request(), 180, "Ringing", "b1"), Sip.UDP_SERVER);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        f.advance(60_000);
        assertThat(f.net.timesOfMethod("INVITE")).containsExactly(0L, 500L);
        assertThat(f.tu.timeouts).isEmpty();
        assertThat(f.tu.statuses()).containsExactly(180);
    }

    @Test
    void busyHereGeneratesTheAckWithTheRightHeaders() {
        SipRequest original = outgoingInvite("Route: <sip:p1.example.com;lr>\r\nRoute: <sip:p2.example.com;lr>\r\n");
        InviteClientTransaction tx = send(original);
        SipRequest sent = tx.request();
        f.receive(Sip.answer(sent, 100, "Trying", null), Sip.UDP_SERVER);
        SipResponse busy = Sip.answer(sent, 486, "Busy Here", "bob-tag-77");
        f.receive(busy, Sip.UDP_SERVER);

        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(f.tu.statuses()).containsExactly(100, 486);
        SipRequest ack = f.net.last().request();
        assertThat(f.net.last().to()).isEqualTo(Sip.UDP_SERVER);
        assertThat(tx.ack()).as("kept as bytes, the same ACK").isEqualTo(ack);
        assertThat(ack.method()).isEqualTo("ACK");
        assertThat(ack.requestUri().toString()).isEqualTo("sip:bob@biloxi.example.com");
        assertThat(ack.vias()).as("only the top Via of the INVITE (17.1.1.3)").hasSize(1);
        assertThat(ack.topVia().branch()).isEqualTo(sent.topVia().branch()).isEqualTo(tx.branch());
        assertThat(ack.topVia()).isEqualTo(sent.topVia());
        assertThat(ack.header(HeaderName.CSEQ)).isEqualTo("101 ACK");
        assertThat(ack.to().tag()).isEqualTo("bob-tag-77");
        assertThat(ack.header(HeaderName.TO)).isEqualTo(busy.header(HeaderName.TO));
        assertThat(ack.header(HeaderName.FROM)).isEqualTo(sent.header(HeaderName.FROM));
        assertThat(ack.callId()).isEqualTo("call-out@192.0.2.1");
        assertThat(ack.headerValues(HeaderName.ROUTE))
                .containsExactly("<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>");
        assertThat(ack.maxForwards()).isEqualTo(70);
        assertThat(ack.contentLength()).isZero();
    }

    @Test
    void retransmittedFinalResendsTheAckAndIsNotPassedUpAgain() {
        InviteClientTransaction tx = send(outgoingInvite(null));
        SipResponse busy = Sip.answer(tx.request(), 486, "Busy Here", "bt");
        f.receive(busy, Sip.UDP_SERVER);
        f.advance(500);
        f.receive(busy, Sip.UDP_SERVER);
        f.advance(1000);
        f.receive(busy, Sip.UDP_SERVER);
        assertThat(f.tu.statuses()).containsExactly(486);
        assertThat(f.net.timesOfMethod("ACK")).containsExactly(0L, 500L, 1500L);
        assertThat(f.net.requests("ACK")).allSatisfy(s -> assertThat(s.message()).isEqualTo(tx.ack()));
        assertThat(f.layer.retransmissionsAbsorbed()).isEqualTo(2);
        assertThat(f.net.timesOfMethod("INVITE")).as("Timer A stopped").containsExactly(0L);

        f.advance(32_000 - 1500 - 1);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.advance(1); // Timer D
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        f.assertIdle();
    }

    @Test
    void twoXxGoesToAcceptedAndLater2xxStillReachTheTu() {
        InviteClientTransaction tx = send(outgoingInvite(null));
        SipRequest invite = tx.request();
        SipResponse ok = Sip.answer(invite, 200, "OK", "bt");
        f.receive(ok, Sip.UDP_SERVER);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        assertThat(tx.request()).as("Accepted lets go of the INVITE (memory: 64*T1 per call)").isNull();
        assertThat(f.net.requests("ACK")).as("the TU acknowledges a 2xx (13.2.2.4)").isEmpty();
        f.receive(ok, Sip.UDP_SERVER);
        f.receive(Sip.answer(invite, 200, "OK", "fork2"), Sip.UDP_SERVER);
        assertThat(f.tu.statuses()).containsExactly(200, 200, 200);
        assertThat(f.tu.responseTxs).containsOnly(tx);
        f.advance(32_000); // Timer M
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        f.assertIdle();
        f.receive(ok, Sip.UDP_SERVER);
        assertThat(f.tu.strays).as("after M, a 2xx matches nothing").hasSize(1);
    }

    @Test
    void reliableTransportHasNoTimerAAndTimerDIsZero() {
        InviteClientTransaction tx = (InviteClientTransaction) f.layer.sendRequest(outgoingInvite(null),
                Sip.TCP_SERVER, Via.of("TCP", "192.0.2.1", 5060, null));
        f.advance(10_000);
        assertThat(f.net.timesOfMethod("INVITE")).containsExactly(0L);
        f.receive(Sip.answer(tx.request(), 486, "Busy Here", "bt"), Sip.TCP_SERVER);
        assertThat(f.net.last().method()).isEqualTo("ACK");
        assertThat(f.net.last().to()).isEqualTo(Sip.TCP_SERVER);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        f.assertIdle();
    }

    @Test
    void reliableTransportStillTimesOutWithTimerB() {
        InviteClientTransaction tx = (InviteClientTransaction) f.layer.sendRequest(outgoingInvite(null),
                Sip.TCP_SERVER, Via.of("TCP", "192.0.2.1", 5060, null));
        f.advance(32_000);
        assertThat(f.tu.timeouts).containsExactly(tx);
        f.assertIdle();
    }

    @Test
    void responseWithAnotherBranchOrMethodIsStray() {
        InviteClientTransaction tx = send(outgoingInvite(null));
        SipRequest sent = tx.request();
        String otherBranch = sent.toString().replace(tx.branch(), "z9hG4bKnotours");
        f.receive(Sip.answer((SipRequest) Sip.parse(otherBranch), 180, "Ringing", "x"), Sip.UDP_SERVER);
        assertThat(f.tu.strays).hasSize(1);
        assertThat(f.tu.responses).isEmpty();
        assertThat(f.layer.strayResponses()).isEqualTo(1);
    }

    @Test
    void ackCannotBeSentInATransactionAndBranchesMustBeRfc3261() {
        SipRequest ack = Sip.request("ACK", "z9hG4bKa1", "c@x");
        assertThatThrownBy(() -> f.layer.sendRequest(ack, Sip.UDP_SERVER)).isInstanceOf(IllegalArgumentException.class);
        SipRequest old = Sip.request("OPTIONS", "1234", "c@x");
        assertThatThrownBy(() -> f.layer.sendRequest(old, Sip.UDP_SERVER)).isInstanceOf(IllegalArgumentException.class);
        SipRequest mine = Sip.request("OPTIONS", "z9hG4bKmine1", "c@x");
        f.layer.sendRequest(mine, Sip.UDP_SERVER);
        assertThatThrownBy(() -> f.layer.sendRequest(mine, Sip.UDP_SERVER)).isInstanceOf(IllegalStateException.class);
    }
}
