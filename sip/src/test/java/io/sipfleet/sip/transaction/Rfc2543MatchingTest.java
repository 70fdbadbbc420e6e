package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import org.junit.jupiter.api.Test;

/** RFC 3261 17.2.3, last paragraphs: requests from RFC 2543 peers, with RFC 4475's messages. */
class Rfc2543MatchingTest {
    private final Fixture f = new Fixture();

    private static SipRequest inv2543() { return (SipRequest) Sip.parse(Sip.rfc4475("inv2543.dat")); }

    private static SipRequest badbranch() { return (SipRequest) Sip.parse(Sip.rfc4475("badbranch.dat")); }

    /** The ACK an RFC 2543 UAC sends: the INVITE's Via (no branch), the response's To. */
    private static SipRequest ack2543(SipResponse response) {
        String text = "ACK sip:UserB@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP iftgw.example.com\r\n"
                + "From: <sip:+13035551111@ift.client.example.net;user=phone>\r\n"
                + "To: " + response.header(HeaderName.TO) + "\r\n"
                + "Call-ID: inv2543.1717@ift.client.example.com\r\n"
                + "CSeq: 56 ACK\r\n"
                + "Content-Length: 0\r\n\r\n";
        return (SipRequest) Sip.parse(text);
    }

    @Test
    void inv2543RetransmissionMatchesTheSameTransaction() {
        SipRequest invite = inv2543();
        assertThat(TransactionKey.forServer(invite).isRfc2543()).isTrue();
        f.receive(invite, Sip.UDP_CLIENT);
        f.receive(inv2543(), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(1);
        assertThat(f.layer.retransmissionsAbsorbed()).isEqualTo(1);
        assertThat(f.layer.activeServerTransactions()).isEqualTo(1);
    }

    @Test
    void inv2543AckWithTheToTagOfOurFinalIsAbsorbed() {
        f.receive(inv2543(), Sip.UDP_CLIENT);
        InviteServerTransaction tx = (InviteServerTransaction) f.tu.serverTxs.get(0);
        tx.respond(486, "Busy Here");
        SipResponse busy = f.net.last().response();
        assertThat(busy.header(HeaderName.TO)).isEqualTo("sip:+16505552222@ss1.example.net;user=phone;tag=" + tx.toTag());

        SipRequest wrongTag = ack2543(Sip.answer(inv2543(), 486, "Busy Here", "someone-else"));
        f.receive(wrongTag, Sip.UDP_CLIENT);
        assertThat(tx.state()).as("another To tag: not our ACK").isEqualTo(TransactionState.COMPLETED);
        assertThat(f.tu.acks).hasSize(1);

        f.receive(ack2543(busy), Sip.UDP_CLIENT);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        assertThat(f.tu.acks).hasSize(1);
        f.advance(5_000);
        f.assertIdle();
    }

    @Test
    void inv2543AckOfA2xxGoesToTheTuAndStopsThe2xx() {
        f.receive(inv2543(), Sip.UDP_CLIENT);
        InviteServerTransaction tx = (InviteServerTransaction) f.tu.serverTxs.get(0);
        tx.respond(200, "OK");
        f.advance(600);
        f.receive(ack2543(f.net.last().response()), Sip.UDP_CLIENT);
        assertThat(f.tu.acks).hasSize(1);
        assertThat(f.layer.pending2xx()).isZero();
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
    }

    @Test
    void inv2543CancelMatchesByTheRfc2543Identity() {
        SipRequest invite = inv2543();
        f.receive(invite, Sip.UDP_CLIENT);
        f.receive(ClientRequests.cancel(invite), Sip.UDP_CLIENT);
        assertThat(f.tu.cancels).hasSize(1);
        assertThat(f.net.all()).extracting(RecordingSender.Sent::status).containsExactly(200, 487);
    }

    @Test
    void badbranchIsMatchedByTheRfc2543Rules() {
        SipRequest options = badbranch();
        assertThat(options.topVia().branch()).isEqualTo("z9hG4bK");
        TransactionKey key = TransactionKey.forServer(options);
        assertThat(key.isRfc2543()).isTrue();
        assertThat(key.branch()).isNull();

        f.receive(options, Sip.UDP_CLIENT);
        ServerTransaction tx = f.tu.serverTxs.get(0);
        tx.respond(200, "OK");
        f.receive(badbranch(), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(1);
        assertThat(f.net.responses(200)).hasSize(2);

        // the same identity with another CSeq is a new request
        String next = new String(Sip.rfc4475("badbranch.dat"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("CSeq: 8 OPTIONS", "CSeq: 9 OPTIONS");
        f.receive(Sip.parse(next), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(2);
    }

    @Test
    void sameRfc2543IdentityWithAnotherToTagIsAMergedRequest() {
        f.receive(badbranch(), Sip.UDP_CLIENT);
        String tagged = new String(Sip.rfc4475("badbranch.dat"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("To: sip:user@example.com", "To: sip:user@example.com;tag=zz");
        f.receive(Sip.parse(tagged), Sip.UDP_CLIENT);
        assertThat(f.tu.requests).hasSize(1);
        assertThat(f.net.last().status()).isEqualTo(482);
    }
}
