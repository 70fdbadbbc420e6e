package io.sipfleet.switching.registrar;

import static io.sipfleet.switching.registrar.RegistrarHarness.NATTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.InMemoryLocationStore;
import io.sipfleet.sip.auth.DigestAlgorithm;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import io.sipfleet.sip.auth.Ha1;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Transport;
import io.sipfleet.switching.auth.Aors;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RegistrarTest {
    static final Pattern DATE = Pattern.compile("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT");
    final RegistrarHarness h = new RegistrarHarness();
    final DigestClient alice = DigestClient.withPassword("alice", "alice-pw");

    @Test void aRegisterWithoutCredentialsIsChallengedWithSha256ThenMd5() {
        SipResponse r = h.send(Reg.of("alice"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.reason()).isEqualTo("Unauthorized");
        assertThat(r.headerValues(HeaderName.WWW_AUTHENTICATE)).satisfiesExactly(
                v -> assertThat(v).startsWith("Digest realm=\"example.com\"").contains("algorithm=SHA-256", "qop=\"auth\""),
                v -> assertThat(v).contains("algorithm=MD5"));
        assertThat(r.headerValues(HeaderName.CONTACT)).isEmpty();
        assertThat(h.bindings("sip:alice@example.com")).isEmpty();
        assertThat(h.events.results).containsExactly(RegistrarEvents.CHALLENGED);
    }

    @Test void anAuthenticatedRegisterBindsAndListsTheContactWithItsExpiry() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice"), alice);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headerValues(HeaderName.CONTACT)).containsExactly("<sip:alice@192.168.1.10:5060>;expires=3600");
        assertThat(r.header(HeaderName.DATE)).matches(DATE).isEqualTo("Sat, 01 Mar 2025 03:00:00 GMT");
        assertThat(r.to().tag()).isNotNull();
        Binding b = h.bindings("sip:alice@example.com").get(0);
        assertThat(b.memberId()).isEqualTo("switch-1");
        assertThat(b.userAgent()).isEqualTo("TestPhone/1.0");
        assertThat(h.events.registered).containsExactly(b);
        assertThat(h.events.results).containsExactly(RegistrarEvents.CHALLENGED, RegistrarEvents.REGISTERED);
    }

    @Test void anMd5OnlyPhoneRegistersToo() {
        String ha1 = Ha1.compute(DigestAlgorithm.MD5, "alice", "example.com", "alice-pw");
        assertThat(h.sendAuthenticated(Reg.of("alice"), DigestClient.withHa1("alice", DigestAlgorithm.MD5, ha1))
                .statusCode()).isEqualTo(200);
    }

    @Test void aWrongPasswordIsForbidden() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice"), DigestClient.withPassword("alice", "guess"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.reason()).isEqualTo("Forbidden");
        assertThat(h.bindings("sip:alice@example.com")).isEmpty();
    }

    @Test void anUnknownUserGetsExactlyTheAnswersOfAWrongPassword() {
        List<String> wrong = transcript(new RegistrarHarness(), "alice", DigestClient.withPassword("alice", "guess"));
        List<String> unknown = transcript(new RegistrarHarness(), "alice", DigestClient.withPassword("mallory", "guess"));
        assertThat(wrong).hasSize(2);
        assertThat(wrong.get(0)).startsWith("SIP/2.0 401 Unauthorized\r\n");
        assertThat(wrong.get(1)).startsWith("SIP/2.0 403 Forbidden\r\n");
        assertThat(unknown).isEqualTo(wrong);
    }

    /** The two responses of the 401/403 dance, as bytes, with only the random parts (nonce, tags, branch) masked. */
    private static List<String> transcript(RegistrarHarness harness, String aorUser, DigestClient client) {
        Reg reg = Reg.of(aorUser).callId("same-call-id@192.168.1.10");
        SipResponse challenge = harness.send(reg);
        DigestChallenge ch = client.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        SipResponse last = harness.send(reg.cseq(2).authorization(client.authorize(ch, "REGISTER", reg.requestUri)));
        return List.of(mask(challenge), mask(last));
    }

    private static String mask(SipResponse r) {
        return r.toString().replaceAll("nonce=\"[^\"]*\"", "nonce=\"*\"").replaceAll("tag=[^;\r\n]+", "tag=*")
                .replaceAll("branch=[^;\r\n]+", "branch=*");
    }

    @Test void aUserMayOnlyRegisterItsOwnAor() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice").to("sip:bob@example.com"), alice);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(h.bindings("sip:bob@example.com")).isEmpty();
        assertThat(h.events.results).endsWith(RegistrarEvents.NOT_OWNER);
    }

    @Test void tooShortAnIntervalGets423WithMinExpires() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice").expires("10"), alice);
        assertThat(r.statusCode()).isEqualTo(423);
        assertThat(r.reason()).isEqualTo("Interval Too Brief");
        assertThat(r.header(HeaderName.MIN_EXPIRES)).isEqualTo("60");
        assertThat(h.bindings("sip:alice@example.com")).isEmpty();
    }

    @Test void tooLongAnIntervalIsShortenedToTheMaximum() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice").expires("99999"), alice);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headerValues(HeaderName.CONTACT)).containsExactly("<sip:alice@192.168.1.10:5060>;expires=3600");
    }

    @Test void theContactParameterWinsOverTheExpiresHeader() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice").expires("10")
                .contacts("<sip:alice@192.168.1.10:5060>;expires=120"), alice);
        assertThat(r.headerValues(HeaderName.CONTACT)).containsExactly("<sip:alice@192.168.1.10:5060>;expires=120");
    }

    @Test void twoContactsAreBothBoundAndListed() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice").contacts(
                "<sip:alice@192.168.1.10:5060>;q=0.5;expires=600", "<sip:alice@192.168.1.11:5062;transport=tcp>"), alice);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headerValues(HeaderName.CONTACT)).containsExactly(
                "<sip:alice@192.168.1.11:5062;transport=tcp>;expires=3600",
                "<sip:alice@192.168.1.10:5060>;expires=600;q=0.5");
        assertThat(h.bindings("sip:alice@example.com")).hasSize(2);
    }

    @Test void aRefreshRenewsTheSameBinding() {
        Reg reg = Reg.of("alice");
        h.sendAuthenticated(reg, alice);
        h.clock.advance(Duration.ofSeconds(1000));
        SipResponse r = h.sendAuthenticated(reg.cseq(3), alice); // the old nonce is stale by now
        assertThat(r.headerValues(HeaderName.CONTACT)).containsExactly("<sip:alice@192.168.1.10:5060>;expires=3600");
        assertThat(h.bindings("sip:alice@example.com")).singleElement()
                .satisfies(b -> assertThat(b.cseq()).isEqualTo(4));
        assertThat(h.events.registered).hasSize(2);
    }

    @Test void contactStarWithExpiresZeroRemovesEveryBinding() {
        h.sendAuthenticated(Reg.of("alice").contacts("<sip:alice@192.168.1.10>", "<sip:alice@192.168.1.11>"), alice);
        SipResponse r = h.sendAuthenticated(Reg.of("alice").contacts("*").expires("0"), alice);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headerValues(HeaderName.CONTACT)).isEmpty();
        assertThat(r.header(HeaderName.DATE)).matches(DATE);
        assertThat(h.bindings("sip:alice@example.com")).isEmpty();
        assertThat(h.events.removed).hasSize(2);
        assertThat(h.events.results).endsWith(RegistrarEvents.UNREGISTERED);
    }

    @Test void contactStarNeedsExpiresZero() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice").contacts("*").expires("3600"), alice);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reason()).isEqualTo("Contact: * requires Expires: 0");
        assertThat(h.sendAuthenticated(Reg.of("alice").contacts("*"), alice).statusCode()).isEqualTo(400);
    }

    @Test void anOlderCSeqOfTheSameCallIdIsOutOfOrder() {
        Reg reg = Reg.of("alice").callId("ooo@192.168.1.10").cseq(10);
        SipResponse challenge = h.send(reg);
        DigestChallenge ch = alice.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        assertThat(h.send(reg.cseq(11).authorization(alice.authorize(ch, "REGISTER", reg.requestUri))).statusCode())
                .isEqualTo(200);
        SipResponse r = h.send(reg.cseq(5).expires("0").authorization(alice.authorize(ch, "REGISTER", reg.requestUri)));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.reason()).isEqualTo("Out of order request");
        assertThat(r.header(HeaderName.RETRY_AFTER)).isNull();
        assertThat(h.bindings("sip:alice@example.com")).hasSize(1);
        assertThat(h.events.results).endsWith(RegistrarEvents.OUT_OF_ORDER);
    }

    @Test void aRegisterWithoutContactIsAQuery() {
        h.sendAuthenticated(Reg.of("alice"), alice);
        h.clock.advance(Duration.ofSeconds(600));
        SipResponse r = h.sendAuthenticated(Reg.of("alice").contacts(), alice);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headerValues(HeaderName.CONTACT)).containsExactly("<sip:alice@192.168.1.10:5060>;expires=3000");
        assertThat(h.events.results).endsWith(RegistrarEvents.QUERY);
    }

    @Test void theBindingKeepsTheSourceFlowNotTheContactHost() {
        h.sendAuthenticated(Reg.of("alice"), alice); // sent from 127.0.0.99:40000 to our 127.0.0.1:5060
        Binding b = h.bindings("sip:alice@example.com").get(0);
        assertThat(b.contact()).isEqualTo("sip:alice@192.168.1.10:5060");
        assertThat(b.flow()).isEqualTo(new Flow(Transport.UDP, "127.0.0.99", 40000, "127.0.0.1", 5060));
    }

    @Test void aPhoneUsingTheSwitchAddressAsDomainRegistersUnderTheRealm() {
        RegistrarHarness local = new RegistrarHarness(InMemoryLocationStore::new, uri -> uri.host().equals("127.0.0.1")
                ? "sip:" + uri.decodedUser() + "@example.com" : Aors.canonical(uri));
        SipResponse r = local.sendAuthenticated(Reg.of("alice").to("sip:alice@127.0.0.1"), alice);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(local.bindings("sip:alice@example.com")).hasSize(1);
        assertThat(h.sendAuthenticated(Reg.of("alice").to("sip:alice@127.0.0.1"), alice).statusCode())
                .as("without the mapping it is someone else's AoR").isEqualTo(403);
    }

    @Test void aContactThatIsNotSipIsRefusedByName() {
        SipResponse r = h.sendAuthenticated(Reg.of("alice").contacts("<mailto:alice@example.com>"), alice);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reason()).isEqualTo("Bad Contact: scheme 'mailto' is not sip or sips");
    }

    @Test void anUnsupportedRequiredExtensionGets420BeforeAnyChallenge() {
        SipResponse r = h.send(Reg.of("alice").header("Require", "foo, Bar"));
        assertThat(r.statusCode()).isEqualTo(420);
        assertThat(r.header(HeaderName.UNSUPPORTED)).isEqualTo("foo, bar");
    }

    @Test void aPathIsStoredAndEchoedOnlyToAUaThatSupportsIt() {
        String path = "<sip:127.0.0.10:5060;lr;flow=192.0.2.7~5062~udp>";
        SipResponse r = h.sendAuthenticated(Reg.of("alice").header("Path", path).header("Require", "path")
                .header("Supported", "path"), alice);
        assertThat(r.statusCode()).as("Require: path is supported (RFC 3327)").isEqualTo(200);
        assertThat(r.header(HeaderName.PATH)).isEqualTo(path);
        assertThat(h.bindings("sip:alice@example.com").get(0).path()).isEqualTo(path);
    }

    @Test void aPathIsNotEchoedWithoutSupportedPath() {
        String path = "<sip:127.0.0.10:5060;lr;flow=192.0.2.7~5062~udp>";
        SipResponse r = h.sendAuthenticated(Reg.of("alice").header("Path", path), alice);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header(HeaderName.PATH)).isNull();
        assertThat(h.bindings("sip:alice@example.com").get(0).path()).isEqualTo(path);
    }

    @Test void aChallengeIsStatelessAndARetransmittedQopRegisterIsChallengedAgain() {
        var unauthenticated = Reg.of("alice").build();
        var first = h.deliver(unauthenticated, NATTED);
        var again = h.deliver(unauthenticated, NATTED);
        assertThat(first).hasSize(1);
        assertThat(again).as("RFC 3261 8.2.7: the retransmission is challenged again").hasSize(1);
        assertThat(again.get(0).statusCode()).isEqualTo(401);
        assertThat(h.events.results).containsExactly(RegistrarEvents.CHALLENGED, RegistrarEvents.CHALLENGED);

        Reg reg = Reg.of("alice");
        DigestChallenge ch = alice.choose(first.get(0).headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        var authenticated = reg.cseq(reg.cseq + 1).authorization(alice.authorize(ch, "REGISTER", reg.requestUri)).build();
        assertThat(h.deliver(authenticated, NATTED)).extracting(SipResponse::statusCode).containsExactly(200);
        // The 200 was stateless: the retransmission (its 200 lost, say) carries the same
        // nonce-count, which digest replay protection refuses with a fresh challenge; the phone
        // then registers with the next CSeq, as it would with Kamailio's stateless save().
        List<SipResponse> retransmitted = h.deliver(authenticated, NATTED);
        assertThat(retransmitted).extracting(SipResponse::statusCode).containsExactly(401);
        assertThat(h.bindings("sip:alice@example.com")).hasSize(1);
        assertThat(h.events.results).containsExactly(RegistrarEvents.CHALLENGED, RegistrarEvents.CHALLENGED,
                RegistrarEvents.REGISTERED, RegistrarEvents.CHALLENGED);
    }

    @Test void aRetransmittedRegisterWithoutQopGetsThe200AgainAndChangesNothing() {
        Reg reg = Reg.of("alice");
        SipResponse challenge = h.send(reg.build(), NATTED);
        DigestChallenge offered = alice.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        // An RFC 2069 style phone (many still are): no qop, so no nonce-count to tell a copy by.
        DigestChallenge noQop = new DigestChallenge(offered.realm(), offered.nonce(), offered.opaque(),
                offered.algorithm(), List.of(), false, false);
        var authenticated = reg.cseq(reg.cseq + 1).authorization(alice.authorize(noQop, "REGISTER", reg.requestUri))
                .build();
        SipResponse ok = h.send(authenticated, NATTED);
        assertThat(ok.statusCode()).isEqualTo(200);
        Binding before = h.bindings("sip:alice@example.com").getFirst();

        h.clock.advance(Duration.ofSeconds(2));
        SipResponse again = h.send(authenticated, NATTED);
        assertThat(again.statusCode()).as("the same Call-ID and CSeq: the request seen again").isEqualTo(200);
        assertThat(again.headerValues(HeaderName.CONTACT)).containsExactly("<sip:alice@192.168.1.10:5060>;expires=3598");
        assertThat(h.bindings("sip:alice@example.com")).containsExactly(before);
        assertThat(h.events.results).endsWith(RegistrarEvents.REGISTERED, RegistrarEvents.REPEATED);
    }
}
