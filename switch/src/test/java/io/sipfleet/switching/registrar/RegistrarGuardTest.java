package io.sipfleet.switching.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scanner guard as the node wires it: in front of the transaction layer and in the registrar's answers. */
class RegistrarGuardTest {
    final RegistrarHarness h = new RegistrarHarness();
    final Peer scanner = Peer.udp(new InetSocketAddress("203.0.113.7", 5070), new InetSocketAddress("127.0.0.1", 5060));
    final Peer office = Peer.udp(new InetSocketAddress("198.51.100.20", 5060), new InetSocketAddress("127.0.0.1", 5060));
    final DigestClient guesser = DigestClient.withPassword("alice", "123456");

    @Test void elevenFailuresInAMinuteSlowDownThenBlockOnlyThatSource() {
        Reg reg = Reg.of("alice");
        SipResponse challenge = h.send(reg.build(), scanner);
        DigestChallenge ch = guesser.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();

        for (int i = 1; i <= 5; i++) {
            assertThat(statuses(h.deliver(guess(reg, ch), scanner))).as("failure %d: answered at once", i).containsExactly(403);
            h.clock.advance(Duration.ofSeconds(1));
        }
        for (int i = 6; i <= 11; i++) {
            assertThat(h.deliver(guess(reg, ch), scanner)).as("failure %d: held back", i).isEmpty();
            int before = h.sent.size();
            h.timer.advance(Duration.ofMillis(1999));
            assertThat(h.sent).hasSize(before);
            h.timer.advance(Duration.ofMillis(1));
            assertThat(h.sent).hasSize(before + 1);
            assertThat(((SipResponse) h.sent.get(before)).statusCode()).isEqualTo(403);
            h.clock.advance(Duration.ofSeconds(1));
        }
        assertThat(h.guard.blockedSources()).isEqualTo(1);

        // Blocked: dropped before the transaction layer, no answer ever, no transaction left behind.
        int transactions = h.layer.activeServerTransactions();
        assertThat(h.deliver(Reg.of("bob").build(), scanner)).isEmpty();
        h.timer.advance(Duration.ofSeconds(5));
        assertThat(h.sent).hasSize(1 + 11);
        assertThat(h.layer.activeServerTransactions()).isEqualTo(transactions);
        assertThat(h.guard.droppedRequests()).isEqualTo(1);

        // Another source is served as usual, without delay.
        Reg officeReg = Reg.of("bob");
        SipResponse officeChallenge = h.send(officeReg.build(), office);
        assertThat(officeChallenge.statusCode()).isEqualTo(401);
        DigestClient bob = DigestClient.withPassword("bob", "bob-pw");
        DigestChallenge bobCh = bob.choose(officeChallenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        assertThat(h.send(officeReg.cseq(2).authorization(bob.authorize(bobCh, "REGISTER", officeReg.requestUri)).build(),
                office).statusCode()).isEqualTo(200);

        // Ten minutes later the scanner is heard again (and challenged like anyone).
        h.clock.advance(Duration.ofSeconds(600));
        assertThat(h.send(Reg.of("bob").build(), scanner).statusCode()).isEqualTo(401);
        assertThat(h.guard.blockedSources()).isZero();
    }

    @Test void retransmittedRegistersWhose200WasLostNeverSlowNorBlockTheirSource() {
        // Behind one SBC or NAT (the office's address), phones whose 200s were lost retransmit
        // their authenticated REGISTERs: the stateless registrar sees each again, with its
        // nonce-count repeated. Challenged afresh, never counted as password guessing.
        DigestClient alice = DigestClient.withPassword("alice", "alice-pw");
        Reg reg = Reg.of("alice");
        SipResponse challenge = h.send(reg.build(), office);
        DigestChallenge ch = alice.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        var authenticated = reg.cseq(reg.cseq + 1).authorization(alice.authorize(ch, "REGISTER", reg.requestUri)).build();
        assertThat(statuses(h.deliver(authenticated, office))).containsExactly(200);
        for (int i = 1; i <= 25; i++) {
            assertThat(statuses(h.deliver(authenticated, office))).as("retransmission %d: challenged at once", i)
                    .containsExactly(401);
            h.clock.advance(Duration.ofSeconds(1));
        }
        assertThat(h.guard.isSlowed(office.remote().getAddress())).isFalse();
        assertThat(h.guard.blockedSources()).isZero();
    }

    @Test void aPhoneThatFoundItsPasswordIsNoLongerSlowed() {
        Reg reg = Reg.of("alice");
        SipResponse challenge = h.send(reg.build(), office);
        DigestChallenge ch = guesser.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        for (int i = 0; i < 6; i++) h.deliver(guess(reg, ch), office);
        h.timer.advance(Duration.ofSeconds(2));
        assertThat(h.guard.isSlowed(office.remote().getAddress())).isTrue();

        DigestClient alice = DigestClient.withPassword("alice", "alice-pw");
        DigestChallenge good = alice.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        List<SipResponse> ok = h.deliver(reg.cseq(reg.cseq + 1).authorization(alice.authorize(good, "REGISTER", reg.requestUri))
                .build(), office);
        assertThat(statuses(ok)).containsExactly(200);
    }


    private static List<Integer> statuses(List<SipResponse> responses) {
        return responses.stream().map(SipResponse::statusCode).toList();
    }

    private io.sipfleet.sip.message.SipRequest guess(Reg reg, DigestChallenge ch) {
        return reg.cseq(reg.cseq + 1).authorization(guesser.authorize(ch, "REGISTER", reg.requestUri)).build();
    }
}
