package io.sipfleet.switching.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.auth.DigestAlgorithm;
import io.sipfleet.sip.auth.DigestAuthenticator;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import io.sipfleet.sip.auth.DigestConfig;
import io.sipfleet.sip.auth.Ha1;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.auth.RequestAuthenticator.Outcome;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proxy-side (INVITE, 407) checks; the registrar side (401) is covered through the Registrar. */
class RequestAuthenticatorTest {
    static final String REALM = "sipfleet.local", RURI = "sip:+15551234@sipfleet.local";
    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T03:00:00Z"));
    final DigestAuthenticator digest = new DigestAuthenticator(DigestConfig.defaults(REALM), clock, new byte[32]);
    final RequestAuthenticator auth = new RequestAuthenticator(digest, new StaticUserDirectory(List.of(
            user("1001", "pw1001", true, true), user("1002", "pw1002", true, false))));
    final Peer from = Peer.udp(new InetSocketAddress("192.0.2.10", 5060), new InetSocketAddress("192.0.2.1", 5060));

    static SipUser user(String name, String pw, boolean md5, boolean sha) {
        return new SipUser("sip:" + name + "@" + REALM, name,
                md5 ? Ha1.compute(DigestAlgorithm.MD5, name, REALM, pw) : null,
                sha ? Ha1.compute(DigestAlgorithm.SHA_256, name, REALM, pw) : null);
    }

    static SipRequest invite(String requestUri, String header, String value) {
        String auth = header == null ? "" : header + ": " + value + "\r\n";
        try {
            return (SipRequest) SipParser.parse("INVITE " + requestUri + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\r\n"
                    + "From: <sip:1001@sipfleet.local>;tag=1\r\nTo: <" + RURI + ">\r\nCall-ID: c1\r\n"
                    + "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" + auth + "Content-Length: 0\r\n\r\n");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    SipResponse challengeResponse() {
        Outcome o = auth.check(invite(RURI, null, null), from, true);
        assertThat(o).isEqualTo(new Outcome.Challenge(false, false, "no credentials for realm " + REALM));
        return auth.reject(o, invite(RURI, null, null), "t1", true);
    }

    String answer(DigestClient client, String digestUri) {
        DigestChallenge ch = client.choose(challengeResponse().headerValues(HeaderName.PROXY_AUTHENTICATE)).orElseThrow();
        return client.authorize(ch, "INVITE", digestUri);
    }

    Outcome check(String value) {
        return auth.check(invite(RURI, "Proxy-Authorization", value), from, true);
    }

    @Test void aProxyChallengesWith407ShaFirstThenMd5() {
        SipResponse r = challengeResponse();
        assertThat(r.statusCode()).isEqualTo(407);
        assertThat(r.reason()).isEqualTo("Proxy Authentication Required");
        assertThat(r.headerValues(HeaderName.PROXY_AUTHENTICATE)).hasSize(2)
                .satisfiesExactly(v -> assertThat(v).contains("algorithm=SHA-256"), v -> assertThat(v).contains("algorithm=MD5"));
        assertThat(r.header(HeaderName.WWW_AUTHENTICATE)).isNull();
    }

    @Test void rightCredentialsAuthenticateWithEitherAlgorithm() {
        Outcome sha = check(answer(DigestClient.withPassword("1001", "pw1001"), RURI));
        assertThat(sha).isInstanceOfSatisfying(Outcome.Authenticated.class, a -> assertThat(a.user().authUser()).isEqualTo("1001"));
        String md5Ha1 = Ha1.compute(DigestAlgorithm.MD5, "1002", REALM, "pw1002");
        assertThat(check(answer(DigestClient.withHa1("1002", DigestAlgorithm.MD5, md5Ha1), RURI)))
                .isInstanceOf(Outcome.Authenticated.class);
    }

    @Test void authorizationIsNotProxyAuthorization() {
        String value = answer(DigestClient.withPassword("1001", "pw1001"), RURI);
        assertThat(auth.check(invite(RURI, "Authorization", value), from, true)).isInstanceOf(Outcome.Challenge.class);
    }

    @Test void aUserWithoutTheHa1OfTheChosenAlgorithmFailsLikeAWrongPassword() {
        Outcome o = check(answer(DigestClient.withPassword("1002", "pw1002"), RURI)); // picks SHA-256
        assertThat(o).isInstanceOf(Outcome.Forbidden.class);
        assertThat(o.countsAsFailure()).isTrue();
    }

    @Test void unknownUserAndWrongPasswordGetTheSameAnswer() {
        Outcome wrong = check(answer(DigestClient.withPassword("1001", "guess"), RURI));
        Outcome unknown = check(answer(DigestClient.withPassword("9999", "guess"), RURI));
        assertThat(wrong).isInstanceOf(Outcome.Forbidden.class);
        assertThat(unknown).isInstanceOf(Outcome.Forbidden.class);
        SipResponse a = auth.reject(wrong, invite(RURI, null, null), "t1", true);
        SipResponse b = auth.reject(unknown, invite(RURI, null, null), "t1", true);
        assertThat(a.toString()).isEqualTo(b.toString()).startsWith("SIP/2.0 403 Forbidden\r\n");
    }

    @Test void theDigestUriMustNameTheRequestUri() {
        Outcome o = check(answer(DigestClient.withPassword("1001", "pw1001"), "sip:+15550000@sipfleet.local"));
        assertThat(o).isInstanceOf(Outcome.BadRequest.class);
        SipResponse r = auth.reject(o, invite(RURI, null, null), "t1", true);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reason()).isEqualTo("Digest URI does not match Request-URI");
    }

    @Test void anEquivalentSpellingOfTheRequestUriIsAccepted() {
        String value = answer(DigestClient.withPassword("1001", "pw1001"), RURI);
        Outcome o = auth.check(invite("sip:%2B15551234@SipFleet.LOCAL", "Proxy-Authorization", value), from, true);
        assertThat(o).isInstanceOf(Outcome.Authenticated.class);
    }

    @Test void malformedCredentialsAreABadRequest() {
        Outcome o = check("Digest username=\"1001\", realm=\"sipfleet.local\"");
        assertThat(o).isInstanceOfSatisfying(Outcome.BadRequest.class,
                b -> assertThat(b.phrase()).isEqualTo("Malformed Proxy-Authorization header"));
    }

    @Test void unknownSchemesAndOtherRealmsAreIgnored() {
        assertThat(check("NoOneKnowsThisScheme opaque-data=here")).isEqualTo(
                new Outcome.Challenge(false, false, "no credentials for realm " + REALM));
        String otherRealm = DigestClient.withPassword("1001", "pw1001").authorize(new DigestChallenge("carrier.example",
                "n", null, DigestAlgorithm.MD5, List.of(), false, false), "INVITE", RURI);
        assertThat(check(otherRealm).countsAsFailure()).isFalse();
    }

    /** Another hop's credentials first, another header between, ours last: ours are found and checked. */
    @Test void ourCredentialsAreFoundAfterAnotherRealmsAndOtherHeaders() {
        String ours = answer(DigestClient.withPassword("1001", "pw1001"), RURI);
        String theirs = DigestClient.withPassword("1001", "pw1001").authorize(new DigestChallenge("carrier.example",
                "n", null, DigestAlgorithm.MD5, List.of(), false, false), "INVITE", RURI);
        SipRequest both = invite(RURI, "Proxy-Authorization",
                theirs + "\r\nX-Between: 1\r\nAuthorization: " + theirs + "\r\nProxy-Authorization: " + ours);
        assertThat(auth.check(both, from, true)).isInstanceOf(Outcome.Authenticated.class);
        SipRequest wrongHeader = invite(RURI, "Authorization", ours);
        assertThat(auth.check(wrongHeader, from, true)).isEqualTo(
                new Outcome.Challenge(false, false, "no credentials for realm " + REALM));
    }

    @Test void anExpiredNonceWithTheRightPasswordIsStale() {
        String value = answer(DigestClient.withPassword("1001", "pw1001"), RURI);
        clock.advance(Duration.ofSeconds(301));
        Outcome o = check(value);
        assertThat(o).isInstanceOfSatisfying(Outcome.Challenge.class, c -> assertThat(c.stale()).isTrue());
        assertThat(o.countsAsFailure()).isFalse();
        assertThat(auth.reject(o, invite(RURI, null, null), "t", true).headerValues(HeaderName.PROXY_AUTHENTICATE))
                .allSatisfy(v -> assertThat(v).contains("stale=true"));
    }

    @Test void aForgedNonceIsRechallengedAndCounted() {
        String forged = DigestClient.withPassword("1001", "pw1001").authorize(new DigestChallenge(REALM, "forged",
                null, DigestAlgorithm.SHA_256, List.of("auth"), false, false), "INVITE", RURI);
        Outcome o = check(forged);
        assertThat(o).isInstanceOfSatisfying(Outcome.Challenge.class, c -> assertThat(c.stale()).isFalse());
        assertThat(o.countsAsFailure()).isTrue();
    }
}
