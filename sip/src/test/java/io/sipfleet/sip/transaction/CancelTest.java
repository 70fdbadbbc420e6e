package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.Methods;
import org.junit.jupiter.api.Test;

/** RFC 3261 9.1 (client) and 9.2 (server). */
class CancelTest {
    private static final String BRANCH = "z9hG4bKcancel1";
    private final Fixture f = new Fixture();

    // ---- server side ----------------------------------------------------------------------

    @Test
    void cancelMatchingAnInviteGets200AndTheTuAnswers487() {
        SipRequest invite = Sip.invite(BRANCH);
        f.receive(invite, Sip.UDP_CLIENT);
        InviteServerTransaction tx = (InviteServerTransaction) f.tu.serverTxs.get(0);
        f.advance(300); // 100 Trying went out at 200

        f.receive(Sip.cancel(invite), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).as("CANCEL never reaches onRequest").hasSize(1);
        assertThat(f.tu.cancelled).containsExactly(tx);
        assertThat(f.tu.cancels.get(0).method()).isEqualTo(Methods.CANCEL);

        SipResponse ok = f.net.responses(200).get(0).response();
        SipResponse terminated = f.net.responses(487).get(0).response();
        assertThat(ok.cseq().method()).isEqualTo("CANCEL");
        assertThat(ok.to().tag()).as("9.2: same To tag as the INVITE's responses").isEqualTo(terminated.to().tag())
                .isEqualTo(tx.toTag());
        assertThat(terminated.cseq().method()).isEqualTo("INVITE");
        assertThat(f.net.all()).extracting(RecordingSender.Sent::status).containsExactly(100, 200, 487);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(f.layer.activeServerTransactions()).isEqualTo(2);

        // a retransmitted CANCEL is absorbed by its own transaction: 200 again, TU not called
        f.receive(Sip.cancel(invite), Sip.UDP_CLIENT);
        assertThat(f.tu.cancels).hasSize(1);
        assertThat(f.net.responses(200)).hasSize(2);

        f.receive(Sip.ack(invite, terminated, BRANCH), Sip.UDP_CLIENT);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        f.advance(40_000);
        f.assertIdle();
    }

    @Test
    void cancelMatchingNoTransactionGets481() {
        f.receive(Sip.cancel(Sip.invite("z9hG4bKnosuch")), Sip.UDP_CLIENT);
        assertThat(f.net.all()).extracting(RecordingSender.Sent::status).containsExactly(481);
        SipResponse r = f.net.last().response();
        assertThat(r.reason()).isEqualTo("Call/Transaction Does Not Exist");
        assertThat(r.cseq().method()).isEqualTo("CANCEL");
        assertThat(f.tu.cancels).isEmpty();
        f.advance(32_000);
        f.assertIdle();
    }

    @Test
    void cancelFromAnotherSentByDoesNotMatch() {
        SipRequest invite = Sip.invite(BRANCH);
        f.receive(invite, Sip.UDP_CLIENT);
        String text = Sip.cancel(invite).toString().replace("client.atlanta.example.com:5060", "evil.example.com:5060");
        f.receive(Sip.parse(text), Sip.UDP_CLIENT);
        assertThat(f.net.last().status()).isEqualTo(481);
        assertThat(f.tu.cancels).isEmpty();
    }

    @Test
    void cancelAfterTheFinalResponseGets200ButNoEffect() {
        SipRequest invite = Sip.invite(BRANCH);
        f.receive(invite, Sip.UDP_CLIENT);
        f.tu.serverTxs.get(0).respond(486, "Busy Here");
        f.receive(Sip.cancel(invite), Sip.UDP_CLIENT);
        assertThat(f.net.last().status()).isEqualTo(200);
        assertThat(f.tu.cancels).isEmpty();
    }

    @Test
    void cancelOfANonInviteRequestGets481() {
        SipRequest options = Sip.request("OPTIONS", BRANCH, "o@x");
        f.receive(options, Sip.UDP_CLIENT);
        f.receive(ClientRequests.cancel(options), Sip.UDP_CLIENT);
        assertThat(f.net.last().status()).isEqualTo(481);
    }

    // ---- client side ----------------------------------------------------------------------

    private InviteClientTransaction sendInvite() {
        SipRequest invite = Sip.request("INVITE", "UDP", "z9hG4bKx", "cancel-out@192.0.2.1", 20, null,
                "Route: <sip:edge.example.com;lr>\r\n");
        return (InviteClientTransaction) f.layer.sendRequest(invite, Sip.UDP_SERVER, Via.of("UDP", "192.0.2.1", 5060, null));
    }

    @Test
    void cancelWaitsForAProvisionalResponseAndCopiesTheInvite() {
        InviteClientTransaction tx = sendInvite();
        assertThat(f.layer.cancel(tx)).isTrue();
        assertThat(f.net.requests("CANCEL")).as("9.1: not before a provisional").isEmpty();
        f.advance(700);
        f.receive(Sip.answer(tx.request(), 180, "Ringing", "bt"), Sip.UDP_SERVER);

        assertThat(f.net.requests("CANCEL")).hasSize(1);
        RecordingSender.Sent sent = f.net.requests("CANCEL").get(0);
        SipRequest cancel = sent.request();
        SipRequest invite = tx.request();
        assertThat(sent.to()).isEqualTo(Sip.UDP_SERVER);
        assertThat(cancel.requestUri()).isEqualTo(invite.requestUri());
        assertThat(cancel.callId()).isEqualTo(invite.callId());
        assertThat(cancel.header(HeaderName.FROM)).isEqualTo(invite.header(HeaderName.FROM));
        assertThat(cancel.header(HeaderName.TO)).isEqualTo(invite.header(HeaderName.TO));
        assertThat(cancel.header(HeaderName.CSEQ)).isEqualTo("20 CANCEL");
        assertThat(cancel.vias()).hasSize(1);
        assertThat(cancel.topVia()).isEqualTo(invite.topVia());
        assertThat(cancel.headerValues(HeaderName.ROUTE)).containsExactly("<sip:edge.example.com;lr>");
        assertThat(f.layer.activeClientTransactions()).isEqualTo(2);

        // the CANCEL's 200 goes to the TU with the CANCEL's transaction; then the 487
        f.receive(Sip.answer(cancel, 200, "OK", "bt"), Sip.UDP_SERVER);
        ClientTransaction cancelTx = f.tu.responseTxs.get(1);
        assertThat(cancelTx.key().method()).isEqualTo("CANCEL");
        assertThat(cancelTx.request()).as("Completed keeps no request (Timer K only absorbs copies)").isNull();
        assertThat(cancelTx.branch()).isEqualTo(tx.branch());
        f.receive(Sip.answer(invite, 487, "Request Terminated", "bt"), Sip.UDP_SERVER);
        assertThat(f.tu.statuses()).containsExactly(180, 200, 487);
        assertThat(f.net.last().method()).isEqualTo("ACK");
        f.advance(40_000);
        f.assertIdle();
    }

    @Test
    void cancelIsNeverSentWhenAFinalComesFirst() {
        InviteClientTransaction tx = sendInvite();
        f.layer.cancel(tx);
        f.receive(Sip.answer(tx.request(), 486, "Busy Here", "bt"), Sip.UDP_SERVER);
        assertThat(f.net.requests("CANCEL")).isEmpty();
        assertThat(f.layer.cancel(tx)).as("too late now").isFalse();
        InviteClientTransaction other = sendInvite();
        f.receive(Sip.answer(other.request(), 603, "Decline", "bt"), Sip.UDP_SERVER);
        assertThat(f.layer.cancel(other)).isFalse();
        assertThat(f.net.requests("CANCEL")).isEmpty();
    }

    @Test
    void cancelIsSentAtOnceInProceeding() {
        InviteClientTransaction tx = sendInvite();
        f.receive(Sip.answer(tx.request(), 100, "Trying", null), Sip.UDP_SERVER);
        assertThat(f.layer.cancel(tx)).isTrue();
        assertThat(f.layer.cancel(tx)).isTrue();
        assertThat(f.net.requests("CANCEL")).hasSize(1);
    }

    @Test
    void inviteWithoutFinalIsGivenUp64T1AfterItsCancel() {
        InviteClientTransaction tx = sendInvite();
        f.receive(Sip.answer(tx.request(), 180, "Ringing", "bt"), Sip.UDP_SERVER);
        f.advance(1000);
        f.layer.cancel(tx);
        SipRequest cancel = f.net.requests("CANCEL").get(0).request();
        f.receive(Sip.answer(cancel, 200, "OK", "bt"), Sip.UDP_SERVER);
        f.advance(31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        f.advance(1);
        assertThat(f.tu.timeouts).containsExactly(tx);
        f.assertIdle();
    }
}
