package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InviteServerTransactionTest {
    private static final String BRANCH = "z9hG4bK74bf9";

    private final Fixture f = new Fixture();

    private InviteServerTransaction receiveInvite(SipRequest invite) {
        f.receive(invite, Sip.UDP_CLIENT);
        return (InviteServerTransaction) f.tu.serverTxs.get(f.tu.serverTxs.size() - 1);
    }

    @Test
    void retransmittedInviteIsAbsorbedAndGetsTheLastProvisional() {
        SipRequest invite = Sip.invite(BRANCH);
        InviteServerTransaction tx = receiveInvite(invite);
        assertThat(f.net.size()).as("no 100 before 200 ms").isZero();

        f.advance(200);
        assertThat(f.net.timesOfStatus(100)).containsExactly(200L);
        SipResponse trying = f.net.last().response();
        assertThat(trying.to().tag()).as("100 carries no To tag (8.2.6.2)").isNull();
        assertThat(f.net.last().to()).isEqualTo(Sip.UDP_CLIENT);

        f.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        f.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).as("the TU sees the INVITE once").hasSize(1);
        assertThat(f.net.timesOfStatus(100)).hasSize(3);
        assertThat(f.layer.retransmissionsAbsorbed()).isEqualTo(2);

        tx.respond(180, "Ringing");
        f.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        assertThat(f.net.responses(180)).hasSize(2);
        assertThat(f.net.responses(180).get(0).response().to().tag()).isEqualTo(tx.toTag());
        assertThat(f.tu.requests).hasSize(1);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
    }

    @Test
    void noAutomatic100WhenTheTuAnswersInsideOnRequest() {
        f.tu.onRequest = (tx, r) -> tx.respond(180, "Ringing");
        receiveInvite(Sip.invite(BRANCH));
        f.advance(1000);
        assertThat(f.net.all()).extracting(RecordingSender.Sent::status).containsExactly(180);
    }

    @Test
    void automatic100CanBeTurnedOff() {
        Fixture g = new Fixture(TimerConfig.defaults().withTrying(null), true);
        g.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        g.advance(5000);
        assertThat(g.net.size()).isZero();
        assertThat(g.timer.pending()).isZero();
    }

    @Test
    void automatic100CopiesTimestamp() {
        SipRequest invite = Sip.request("INVITE", "UDP", BRANCH, "ts@atlanta.example.com", 1, null,
                "Timestamp: 54\r\n");
        receiveInvite(invite);
        f.advance(200);
        assertThat(f.net.last().response().header("Timestamp")).isEqualTo("54");
    }

    @Test
    void finalNon2xxIsRetransmittedByTimerGUntilTheAck() {
        InviteServerTransaction tx = receiveInvite(Sip.invite(BRANCH));
        f.advance(100);
        assertThat(tx.respond(486, "Busy Here")).isTrue();
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);

        f.advance(16_000 - 100);
        // sent at 100, then G: +500, +1000, +2000, +4000 (T2), +4000, +4000
        assertThat(f.net.timesOfStatus(486)).containsExactly(100L, 600L, 1600L, 3600L, 7600L, 11600L, 15600L);

        SipResponse busy = f.net.last().response();
        f.receive(Sip.ack(Sip.invite(BRANCH), busy, BRANCH), Sip.UDP_CLIENT);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        assertThat(f.tu.acks).as("the ACK of a non-2xx stays in the transaction").isEmpty();
        assertThat(tx.request()).as("Confirmed lets go of the INVITE (memory: the linger per call)").isNull();
        assertThat(tx.lastResponse()).as("and of the final: it is never sent again").isNull();
        assertThat(tx.toTag()).as("the tag stays, for a late CANCEL's 200 (9.2)").isEqualTo(busy.to().tag());

        f.receive(Sip.ack(Sip.invite(BRANCH), busy, BRANCH), Sip.UDP_CLIENT); // copy, absorbed
        f.advance(4_999);
        assertThat(f.net.timesOfStatus(486)).hasSize(7);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        f.advance(1); // Timer I = T4
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.tu.terminated).containsExactly(tx);
        assertThat(f.tu.acks).isEmpty();
        f.assertIdle();
    }

    @Test
    void retransmittedInviteInCompletedGetsTheFinalAgain() {
        InviteServerTransaction tx = receiveInvite(Sip.invite(BRANCH));
        tx.respond(486, "Busy Here");
        f.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        assertThat(f.net.timesOfStatus(486)).containsExactly(0L, 0L);
        assertThat(f.tu.requests).hasSize(1);
        assertThat(f.layer.retransmissionsSent()).isEqualTo(1);
    }

    @Test
    void timerHGivesUpAfter64T1WithoutAck() {
        InviteServerTransaction tx = receiveInvite(Sip.invite(BRANCH));
        tx.respond(603, "Decline");
        f.advance(31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(f.tu.serverTimeouts).isEmpty();
        f.advance(1);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.tu.serverTimeouts).containsExactly(tx);
        // G at 0.5, 1.5, 3.5, 7.5, then every 4 s up to 31.5: ten retransmissions
        assertThat(f.net.timesOfStatus(603)).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L,
                19500L, 23500L, 27500L, 31500L);
        f.advance(60_000);
        assertThat(f.net.timesOfStatus(603)).hasSize(11);
        f.assertIdle();
    }

    @Test
    void secondFinalResponseIsRefused() {
        InviteServerTransaction tx = receiveInvite(Sip.invite(BRANCH));
        assertThat(tx.respond(486, "Busy Here")).isTrue();
        assertThat(tx.respond(200, "OK")).isFalse();
        assertThat(tx.respond(180, "Ringing")).isFalse();
        assertThat(f.net.all()).extracting(RecordingSender.Sent::status).containsExactly(486);
    }

    @Test
    void twoXxIsRetransmittedByTheCoreUntilTheAckOfItsOwnBranch() {
        SipRequest invite = Sip.invite(BRANCH);
        InviteServerTransaction tx = receiveInvite(invite);
        tx.respond(200, "OK");
        assertThat(tx.state()).as("RFC 6026").isEqualTo(TransactionState.ACCEPTED);
        assertThat(f.layer.pending2xx()).isEqualTo(1);

        f.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT); // absorbed silently in Accepted
        assertThat(f.tu.requests).hasSize(1);
        assertThat(f.net.timesOfStatus(200)).containsExactly(0L);

        f.advance(8000);
        assertThat(f.net.timesOfStatus(200)).containsExactly(0L, 500L, 1500L, 3500L, 7500L);

        SipResponse ok = f.net.last().response();
        f.receive(Sip.ack(invite, ok, "z9hG4bKack2xx1"), Sip.UDP_CLIENT);
        assertThat(f.tu.acks).hasSize(1);
        assertThat(f.layer.pending2xx()).isZero();
        f.advance(10_000);
        assertThat(f.net.timesOfStatus(200)).hasSize(5);

        f.advance(32_000 - 18_000 - 1);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        f.advance(1); // Timer L
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        f.assertIdle();
    }

    @Test
    void twoXxWithoutAckIsGivenUpAt64T1AndTheTuIsTold() {
        InviteServerTransaction tx = receiveInvite(Sip.invite(BRANCH));
        tx.respond(200, "OK");
        f.advance(32_000);
        assertThat(f.net.timesOfStatus(200)).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L,
                19500L, 23500L, 27500L, 31500L);
        assertThat(f.tu.ackTimeouts).hasSize(1);
        f.assertIdle();
    }

    @Test
    void proxyModeSendsTheTwoXxOnceAndForwardsLater2xx() {
        Fixture g = new Fixture(TimerConfig.defaults(), false);
        g.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        ServerTransaction tx = g.tu.serverTxs.get(0);
        // Built while the request is still there: in Accepted the transaction keeps nothing to
        // build from, as a proxy relays the responses it received (here: a 2xx re-sent downstream).
        SipResponse ok = tx.response(200, "OK");
        SipResponse busy = tx.response(486, "Busy Here");
        tx.respond(ok);
        g.advance(10_000);
        assertThat(g.net.timesOfStatus(200)).containsExactly(0L);
        assertThat(tx.respond(ok)).as("a retransmitted 2xx from downstream passes (RFC 6026)").isTrue();
        assertThat(g.net.timesOfStatus(200)).containsExactly(0L, 10_000L);
        assertThat(tx.respond(busy)).as("no non-2xx after a 2xx").isFalse();
        assertThat(tx.respond(200, "OK")).as("nothing left to build a response from").isFalse();
        g.advance(22_000);
        g.assertIdle();
    }

    @Test
    void reliableTransportHasNoRetransmissionsAndTimerIIsZero() {
        SipRequest invite = Sip.request("INVITE", "TCP", BRANCH, "tcp@atlanta.example.com", 1, null, null);
        f.receive(invite, Sip.TCP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        tx.respond(486, "Busy Here");
        f.advance(20_000);
        assertThat(f.net.timesOfStatus(486)).containsExactly(0L);
        assertThat(f.net.last().to()).isEqualTo(Sip.TCP_CLIENT);
        f.receive(Sip.ack(invite, f.net.last().response(), BRANCH), Sip.TCP_CLIENT);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        f.assertIdle();
    }

    @Test
    void tuExceptionAnswers500() {
        f.tu.onRequest = (tx, r) -> { throw new IllegalStateException("boom"); };
        try {
            f.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        } catch (IllegalStateException expected) {
            // rethrown to the transport, after the transaction answered
        }
        assertThat(f.net.all()).extracting(RecordingSender.Sent::status).containsExactly(500);
    }

    @Test
    void timerConfigIsHonoured() {
        Fixture g = new Fixture(TimerConfig.defaults().withT1(Duration.ofMillis(100)).withT2(Duration.ofMillis(300)),
                true);
        g.receive(Sip.invite(BRANCH), Sip.UDP_CLIENT);
        g.tu.serverTxs.get(0).respond(486, "Busy Here");
        g.advance(6_400);
        assertThat(g.net.timesOfStatus(486)).startsWith(0L, 100L, 300L, 600L, 900L);
        assertThat(g.tu.serverTimeouts).hasSize(1);
        g.assertIdle();
    }

    @Test
    void aStatelessChallengeToAnInviteEndsTheTransactionAndItsAckGoesToTheTu() {
        SipRequest invite = Sip.invite("z9hG4bKstateless1");
        f.receive(invite, Sip.UDP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tx.respondStateless(tx.response(200, "OK")))
                .isInstanceOf(IllegalArgumentException.class);
        io.sipfleet.sip.message.SipResponse challenge = tx.response(407, "Proxy Authentication Required");
        assertThat(tx.respondStateless(challenge)).isTrue();
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.layer.activeServerTransactions()).isZero();
        f.advance(5_000);
        assertThat(f.net.timesOfStatus(407)).as("no Timer G retransmissions").hasSize(1);
        assertThat(f.net.responses(100)).as("no automatic 100 after the answer").isEmpty();
        f.receive(Sip.ack(invite, challenge, "z9hG4bKstateless1"), Sip.UDP_CLIENT);
        assertThat(f.tu.acks).as("no transaction absorbs it: the TU decides (the switch drops it)").hasSize(1);
    }
}
