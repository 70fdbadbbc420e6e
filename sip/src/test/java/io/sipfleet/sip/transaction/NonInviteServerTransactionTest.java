package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipRequest;
import org.junit.jupiter.api.Test;

class NonInviteServerTransactionTest {
    private static final String BRANCH = "z9hG4bKnashds7";

    private final Fixture f = new Fixture();

    private SipRequest options() { return Sip.request("OPTIONS", BRANCH, "opt-1@atlanta.example.com"); }

    @Test
    void retransmissionInTryingIsDiscardedAndTheFinalIsResentLater() {
        f.receive(options(), Sip.UDP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        assertThat(tx).isInstanceOf(NonInviteServerTransaction.class);
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);

        f.receive(options(), Sip.UDP_CLIENT);
        assertThat(f.net.size()).as("17.2.2: discarded in Trying, and no automatic 100").isZero();

        f.advance(1000);
        assertThat(f.net.size()).isZero();
        tx.respond(200, "OK");
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.receive(options(), Sip.UDP_CLIENT);
        f.receive(options(), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(1);
        assertThat(f.net.timesOfStatus(200)).containsExactly(1000L, 1000L, 1000L);
        assertThat(f.net.all()).allSatisfy(s -> assertThat(s.to()).isEqualTo(Sip.UDP_CLIENT));
        assertThat(f.layer.retransmissionsAbsorbed()).isEqualTo(3);
        assertThat(f.layer.retransmissionsSent()).isEqualTo(2);
    }

    @Test
    void provisionalIsResentInProceeding() {
        f.receive(options(), Sip.UDP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        tx.respond(183, "Session Progress");
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        f.receive(options(), Sip.UDP_CLIENT);
        assertThat(f.net.responses(183)).hasSize(2);
    }

    @Test
    void aTransactionTheTuNeverAnswersIsAbandonedAfter64T1() {
        f.receive(options(), Sip.UDP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        f.advance(31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);
        f.advance(1);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.net.size()).as("abandoned silently").isZero();
        assertThat(f.layer.abandonedTransactions()).isEqualTo(1);
        assertThat(tx.respond(200, "OK")).as("too late to answer").isFalse();
        f.assertIdle();
    }

    @Test
    void theAbandonTimerIsArmedOnlyWhenTheTuReturnsWithoutAnswering() {
        f.tu.onRequest = (tx, r) -> tx.respondStateless(tx.response(401, "Unauthorized"));
        f.receive(options(), Sip.UDP_CLIENT);
        assertThat(f.timer.scheduled()).as("answered inside onRequest: no timer made").isZero();
        f.assertIdle();

        f.tu.onRequest = (tx, r) -> { };
        f.receive(Sip.request("OPTIONS", "z9hG4bKother", "opt-2@atlanta.example.com"), Sip.UDP_CLIENT);
        assertThat(f.timer.pending()).as("left for later: the abandon timer").isEqualTo(1);
        f.tu.serverTxs.get(1).respond(200, "OK");
        assertThat(f.timer.pending()).as("Timer J only").isEqualTo(1);
    }

    @Test
    void aStatelessAnswerEndsTheTransactionAtOnceAndARetransmissionGetsAFreshOne() {
        f.receive(options(), Sip.UDP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        assertThat(tx.respondStateless(tx.response(401, "Unauthorized"))).isTrue();
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.layer.activeServerTransactions()).as("nothing kept for Timer J").isZero();
        assertThat(f.tu.terminated).containsExactly(tx);
        assertThat(tx.respond(200, "OK")).as("answered already").isFalse();
        assertThat(tx.respondStateless(tx.response(403, "Forbidden"))).isFalse();

        f.receive(options(), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).as("8.2.7: the retransmission is processed again").hasSize(2);
        assertThat(f.net.timesOfStatus(401)).hasSize(1);
        assertThat(f.layer.retransmissionsAbsorbed()).isZero();
    }

    @Test
    void timerJCleansUpAfter64T1() {
        f.receive(options(), Sip.UDP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        tx.respond(404, "Not Found");
        f.advance(31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(f.layer.activeServerTransactions()).isEqualTo(1);
        assertThat(f.net.size()).as("no retransmission timer for non-INVITE responses").isEqualTo(1);
        f.advance(1);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.tu.terminated).containsExactly(tx);
        f.assertIdle();

        f.receive(options(), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).as("after J the same request is new again").hasSize(2);
    }

    @Test
    void aShortLingerEndsCompletedSoonerAndALaterCopyIsANewRequest() {
        Fixture short5 = new Fixture(TimerConfig.defaults().withLinger(java.time.Duration.ofSeconds(5)), true);
        short5.receive(options(), Sip.UDP_CLIENT);
        ServerTransaction tx = short5.tu.serverTxs.get(0);
        tx.respond(200, "OK");
        short5.advance(4_999);
        short5.receive(options(), Sip.UDP_CLIENT);
        assertThat(short5.net.timesOfStatus(200)).as("absorbed and answered while it lingers").hasSize(2);
        short5.advance(1);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        short5.assertIdle();
        short5.receive(options(), Sip.UDP_CLIENT);
        assertThat(short5.tu.requests).as("after the linger the copy reaches the TU").hasSize(2);
    }

    @Test
    void reliableTransportTimerJIsZero() {
        f.receive(Sip.request("REGISTER", "TCP", BRANCH, "reg@atlanta.example.com", 1, null, null), Sip.TCP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        tx.respond(200, "OK");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.net.last().to()).isEqualTo(Sip.TCP_CLIENT);
        f.assertIdle();
    }

    @Test
    void sameBranchDifferentMethodIsAnotherTransaction() {
        f.receive(options(), Sip.UDP_CLIENT);
        f.receive(Sip.request("INFO", BRANCH, "opt-1@atlanta.example.com"), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(2);
        assertThat(f.layer.activeServerTransactions()).isEqualTo(2);
    }

    @Test
    void sameBranchFromAnotherSentByIsAnotherTransaction() {
        f.receive(options(), Sip.UDP_CLIENT);
        String other = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP other.example.com:5060;branch=" + BRANCH + "\r\n"
                + "From: <sip:carol@example.com>;tag=1\r\nTo: <sip:bob@biloxi.example.com>\r\n"
                + "Call-ID: other@example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        f.receive(Sip.parse(other), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(2);
    }

    @Test
    void sentByHostIsCaseInsensitive() {
        f.receive(options(), Sip.UDP_CLIENT);
        String upper = options().toString().replace("client.atlanta.example.com:5060;", "CLIENT.Atlanta.example.com:5060;");
        f.receive(Sip.parse(upper), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(1);
    }
}
