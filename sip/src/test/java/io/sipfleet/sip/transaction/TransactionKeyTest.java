package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import org.junit.jupiter.api.Test;

class TransactionKeyTest {

    @Test
    void rfc3261KeyIsBranchSentByAndMethod() {
        SipRequest invite = Sip.invite("z9hG4bKabc");
        TransactionKey k = TransactionKey.forServer(invite);
        assertThat(k).isEqualTo(new TransactionKey("z9hG4bKabc", "client.atlanta.example.com:5060", "INVITE", null));
        assertThat(k.isRfc2543()).isFalse();
    }

    @Test
    void ackMatchesTheInviteAndCancelHasItsOwnKey() {
        SipRequest invite = Sip.invite("z9hG4bKabc");
        SipResponse busy = Sip.answer(invite, 486, "Busy Here", "t");
        TransactionKey inviteKey = TransactionKey.forServer(invite);
        assertThat(TransactionKey.forServer(Sip.ack(invite, busy, "z9hG4bKabc"))).isEqualTo(inviteKey);
        TransactionKey cancelKey = TransactionKey.forServer(Sip.cancel(invite));
        assertThat(cancelKey).isNotEqualTo(inviteKey);
        assertThat(cancelKey.method()).isEqualTo("CANCEL");
        assertThat(cancelKey.withMethod("INVITE")).isEqualTo(inviteKey);
    }

    @Test
    void cookieAloneOrMissingOrForeignBranchFallsBackToRfc2543() {
        assertThat(TransactionKey.forServer(Sip.request("OPTIONS", "z9hG4bK", "c@x")).isRfc2543()).isTrue();
        assertThat(TransactionKey.forServer(Sip.request("OPTIONS", "abc123", "c@x")).isRfc2543()).isTrue();
        assertThat(TransactionKey.forServer(Sip.request("OPTIONS", "z9hG4bK1", "c@x")).isRfc2543()).isFalse();
    }

    @Test
    void rfc2543KeyHoldsTheIdentityOf17_2_3() {
        SipRequest inv = (SipRequest) Sip.parse(Sip.rfc4475("inv2543.dat"));
        TransactionKey k = TransactionKey.forServer(inv);
        assertThat(k.legacy()).isEqualTo(new TransactionKey.Rfc2543Id("sip:UserB@example.com", null,
                "inv2543.1717@ift.client.example.com", 56, "SIP/2.0/UDP iftgw.example.com"));
        assertThat(k.method()).isEqualTo("INVITE");
    }

    @Test
    void clientKeyIsBranchAndCSeqMethodOfTheResponse() {
        SipRequest options = Sip.request("OPTIONS", "z9hG4bKmine", "c@x");
        SipResponse ok = Sip.answer(options, 200, "OK", "t");
        assertThat(TransactionKey.forResponse(ok)).isEqualTo(TransactionKey.forClient("z9hG4bKmine", "OPTIONS"));
        SipResponse old = Sip.answer(Sip.request("OPTIONS", "1234", "c@x"), 200, "OK", "t");
        assertThat(TransactionKey.forResponse(old)).isNull();
    }
    /** Keys of one peer share its sent-by text (each lingering server transaction keeps one); hosts compare case-insensitively. */
    @Test
    void keysOfOnePeerShareItsSentByText() throws Exception {
        String text = "OPTIONS sip:x@example.com SIP/2.0\r\nVia: SIP/2.0/UDP Client.Example.COM:%d;branch=z9hG4bK%s\r\n"
                + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:x@example.com>\r\nCall-ID: c%s\r\nCSeq: 1 OPTIONS\r\n\r\n";
        TransactionKey a = TransactionKey.forServer((SipRequest) Sip.parse(String.format(text, 5070, "a", "a")));
        TransactionKey b = TransactionKey.forServer((SipRequest) Sip.parse(String.format(text, 5070, "b", "b")));
        TransactionKey other = TransactionKey.forServer((SipRequest) Sip.parse(String.format(text, 5071, "a", "a")));
        assertThat(a.sentBy()).isEqualTo("client.example.com:5070").isSameAs(b.sentBy());
        assertThat(other.sentBy()).isEqualTo("client.example.com:5071");
        assertThat(other).isNotEqualTo(a);
    }
}
