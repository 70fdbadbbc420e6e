package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.sip.auth.DigestResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

    private static final String REALM = "sip.example.com";
    private static final String USER = "alice";
    private static final String PASSWORD = "correct horse";
    private static final String URI = "sip:sip.example.com";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    private final byte[] secret = secret(7);
    private final DigestAuthenticator auth = new DigestAuthenticator(DigestConfig.defaults(REALM), clock, secret);

    private static byte[] secret(int fill) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) fill);
        return s;
    }

    private static String ha1(DigestAlgorithm algorithm) {
        return Ha1.compute(algorithm, USER, REALM, PASSWORD);
    }

    /** The client's answer to the challenge of {@code algorithm}, parsed as the registrar would. */
    private static DigestCredentials answer(DigestClient client, DigestAuthenticator server, DigestAlgorithm algorithm)
            throws DigestParseException {
        DigestChallenge challenge = server.challenge(false).stream()
                .filter(c -> c.algorithm() == algorithm).findFirst().orElseThrow();
        return DigestCredentials.parse(client.authorize(challenge.toHeaderValue(), "REGISTER", URI));
    }

    private DigestCredentials answer(DigestAlgorithm algorithm) throws DigestParseException {
        return answer(DigestClient.withPassword(USER, PASSWORD), auth, algorithm);
    }

    @Test
    void challengesOfferSha256FirstThenMd5WithFreshNonces() {
        List<DigestChallenge> challenges = auth.challenge(false);
        assertThat(challenges).extracting(DigestChallenge::algorithm)
                .containsExactly(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
        assertThat(challenges.get(0).nonce()).isNotEqualTo(challenges.get(1).nonce()).hasSize(48);
        assertThat(auth.challengeHeaderValues(true).get(1)).matches(
                "Digest realm=\"sip\\.example\\.com\", nonce=\"[A-Za-z0-9_-]{48}\", opaque=\"[A-Za-z0-9_-]{16}\","
                        + " algorithm=MD5, qop=\"auth\", stale=true");
    }

    /** The prebuilt header text must say what the challenge record renders, quoting included. */
    @Test
    void challengeHeaderValuesRenderAsTheChallengesDo() throws DigestParseException {
        DigestAuthenticator quoted = new DigestAuthenticator(DigestConfig.defaults("a \"quoted\" \\ realm"), clock, secret);
        for (DigestAuthenticator server : List.of(auth, quoted)) {
            for (boolean stale : List.of(false, true)) {
                List<String> values = server.challengeHeaderValues(stale);
                List<DigestChallenge> expected = server.challenge(stale);
                assertThat(values).hasSize(expected.size());
                for (int i = 0; i < values.size(); i++) {
                    DigestChallenge parsed = DigestChallenge.parse(values.get(i));
                    assertThat(parsed.nonce()).hasSize(48).isNotEqualTo(expected.get(i).nonce());
                    DigestChallenge withThatNonce = new DigestChallenge(expected.get(i).realm(), parsed.nonce(),
                            expected.get(i).opaque(), expected.get(i).algorithm(), expected.get(i).qop(), stale, false);
                    assertThat(values.get(i)).isEqualTo(withThatNonce.toHeaderValue());
                    assertThat(parsed).isEqualTo(withThatNonce);
                }
            }
        }
    }

    /** Hex is case-insensitive on the wire (phones send upper case too); one wrong digit is still wrong. */
    @Test
    void responseDigitsCompareIgnoringCaseOnly() throws DigestParseException {
        DigestCredentials c = answer(DigestAlgorithm.MD5);
        DigestCredentials upper = new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(),
                c.response().toUpperCase(java.util.Locale.ROOT), c.algorithm(), c.cnonce(), c.opaque(), c.qop(), c.nc(),
                false);
        assertThat(auth.verify(upper, "REGISTER", ha1(DigestAlgorithm.MD5))).isEqualTo(DigestResult.OK);
        char last = c.response().charAt(31);
        String oneOff = c.response().substring(0, 31) + (last == '0' ? '1' : '0');
        DigestCredentials wrong = new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(), oneOff,
                c.algorithm(), c.cnonce(), c.opaque(), c.qop(), c.nc() + 1, false);
        assertThat(auth.verify(wrong, "REGISTER", ha1(DigestAlgorithm.MD5)).status()).isEqualTo(Status.WRONG_RESPONSE);
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void clientRoundTripIsAccepted(DigestAlgorithm algorithm) throws DigestParseException {
        DigestAuthenticator server = new DigestAuthenticator(
                DigestConfig.defaults(REALM).withAlgorithms(List.of(algorithm)), clock, secret);
        DigestClient client = DigestClient.withPassword(USER, PASSWORD);
        DigestCredentials c = answer(client, server, algorithm);
        assertThat(c.algorithm()).isEqualTo(algorithm);
        assertThat(server.verify(c, "REGISTER", ha1(algorithm))).isEqualTo(DigestResult.OK);
    }

    @Test
    void clientWithStoredHa1IsAcceptedToo() throws DigestParseException {
        DigestClient client = DigestClient.withHa1(USER, DigestAlgorithm.SHA_256, ha1(DigestAlgorithm.SHA_256));
        DigestCredentials c = answer(client, auth, DigestAlgorithm.SHA_256);
        assertThat(auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256)).isOk()).isTrue();
    }

    @Test
    void nonceIsReusedWithIncreasingNc() throws DigestParseException {
        DigestClient client = DigestClient.withPassword(USER, PASSWORD);
        DigestChallenge challenge = auth.challenge(false).get(0);
        for (int i = 1; i <= 5; i++) {
            DigestCredentials c = DigestCredentials.parse(client.authorize(challenge, "REGISTER", URI));
            assertThat(c.nc()).isEqualTo(i);
            assertThat(auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256))).isEqualTo(DigestResult.OK);
        }
    }

    @Test
    void expiredNonceWithRightPasswordIsStale() throws DigestParseException {
        DigestCredentials c = answer(DigestAlgorithm.SHA_256);
        clock.advance(Duration.ofSeconds(300));
        assertThat(auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256)).isOk()).isTrue();

        DigestCredentials next = answer(DigestAlgorithm.MD5);
        clock.advance(Duration.ofSeconds(301));
        DigestResult result = auth.verify(next, "REGISTER", ha1(DigestAlgorithm.MD5));
        assertThat(result.status()).isEqualTo(Status.STALE);
        assertThat(result.isStale()).isTrue();
        assertThat(result.reason()).isEqualTo("nonce expired 1000 ms ago");
    }

    @Test
    void expiredNonceWithWrongPasswordIsNotStale() throws DigestParseException {
        DigestCredentials c = answer(DigestClient.withPassword(USER, "guess"), auth, DigestAlgorithm.SHA_256);
        clock.advance(Duration.ofMinutes(10));
        assertThat(auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256)).status()).isEqualTo(Status.WRONG_RESPONSE);
    }

    @Test
    void forgedNoncesAreDetected() throws DigestParseException {
        DigestChallenge real = auth.challenge(false).get(0);
        char[] tampered = real.nonce().toCharArray();
        tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
        List<String> forgeries = List.of(
                new String(tampered),
                "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
                new DigestAuthenticator(DigestConfig.defaults(REALM), clock, secret(8)).challenge(false).get(0).nonce(),
                // same secret, other realm: the realm is inside the MAC
                new DigestAuthenticator(DigestConfig.defaults("other.example.com"), clock, secret)
                        .challenge(false).get(0).nonce());
        for (String nonce : forgeries) {
            DigestChallenge forged = new DigestChallenge(REALM, nonce, real.opaque(), DigestAlgorithm.SHA_256,
                    List.of("auth"), false, false);
            // The response is right for the forged nonce: only the nonce check can catch it.
            DigestCredentials c = DigestClient.withPassword(USER, PASSWORD).credentials(forged, "REGISTER", URI);
            DigestResult result = auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256));
            assertThat(result.status()).as(nonce).isEqualTo(Status.BAD_NONCE);
            assertThat(result.reason()).isEqualTo("nonce '" + nonce + "' was not issued for this realm");
        }
    }

    @Test
    void nodesSharingTheSecretVerifyEachOthersNonces() throws DigestParseException {
        DigestAuthenticator other = new DigestAuthenticator(DigestConfig.defaults(REALM), clock, secret.clone());
        DigestCredentials c = answer(DigestClient.withPassword(USER, PASSWORD), other, DigestAlgorithm.SHA_256);
        assertThat(auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256))).isEqualTo(DigestResult.OK);
    }

    @Test
    void noncesMintedInOneMillisecondByNodesSharingTheSecretAreAllDistinct() {
        // The clock stands still: only the salt and the counter tell these nonces apart. Two
        // equal nonces would share one nonce-count slot, and one client's nc would refuse the other's.
        DigestAuthenticator other = new DigestAuthenticator(DigestConfig.defaults(REALM), clock, secret.clone());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            for (DigestAuthenticator node : List.of(auth, other)) {
                for (DigestChallenge c : node.challenge(false)) {
                    assertThat(seen.add(c.nonce())).as("nonce %s minted twice", c.nonce()).isTrue();
                }
            }
        }
        assertThat(seen).hasSize(5_000 * 2 * DigestConfig.defaults(REALM).algorithms().size());
    }

    @Test
    void nonceFromFarFutureIsRejected() throws DigestParseException {
        MutableClock ahead = new MutableClock(clock.instant().plus(Duration.ofHours(1)));
        DigestAuthenticator skewed = new DigestAuthenticator(DigestConfig.defaults(REALM), ahead, secret);
        DigestCredentials c = answer(DigestClient.withPassword(USER, PASSWORD), skewed, DigestAlgorithm.SHA_256);
        assertThat(auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256)).reason())
                .isEqualTo("nonce issued 3600000 ms in the future");
    }

    @Test
    void replayedNcIsRefused() throws DigestParseException {
        DigestCredentials c = answer(DigestAlgorithm.SHA_256);
        assertThat(auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256))).isEqualTo(DigestResult.OK);
        DigestResult replay = auth.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256));
        assertThat(replay.status()).isEqualTo(Status.REPLAY);
        assertThat(replay.reason()).isEqualTo("nonce-count 00000001 not above 00000001 for this nonce");
    }

    @Test
    void wrongPasswordIsWrongResponse() throws DigestParseException {
        DigestCredentials c = answer(DigestClient.withPassword(USER, "hunter2"), auth, DigestAlgorithm.MD5);
        DigestResult result = auth.verify(c, "REGISTER", ha1(DigestAlgorithm.MD5));
        assertThat(result.status()).isEqualTo(Status.WRONG_RESPONSE);
        assertThat(result.reason()).isEqualTo("response does not match for user 'alice' (MD5)");
        // Nor does a right answer for another method or URI pass.
        DigestCredentials good = answer(DigestAlgorithm.MD5);
        assertThat(auth.verify(good, "INVITE", ha1(DigestAlgorithm.MD5)).status()).isEqualTo(Status.WRONG_RESPONSE);
    }

    @Test
    void realmAlgorithmQopAndOpaqueAreChecked() throws DigestParseException {
        DigestCredentials c = answer(DigestAlgorithm.SHA_256);
        String ha1 = ha1(DigestAlgorithm.SHA_256);
        DigestResult realm = auth.verify(withRealm(c, "evil.com"), "REGISTER", ha1);
        assertThat(realm).isEqualTo(new DigestResult(Status.REALM_MISMATCH, "realm 'evil.com' is not 'sip.example.com'"));

        DigestAuthenticator shaOnly = new DigestAuthenticator(
                DigestConfig.defaults(REALM).withAlgorithms(List.of(DigestAlgorithm.SHA_256)), clock, secret);
        DigestCredentials md5 = answer(DigestAlgorithm.MD5);
        assertThat(shaOnly.verify(md5, "REGISTER", ha1(DigestAlgorithm.MD5)))
                .isEqualTo(new DigestResult(Status.UNSUPPORTED_ALGORITHM, "algorithm MD5 is not offered [SHA-256]"));

        DigestCredentials authInt = new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(), c.response(),
                c.algorithm(), c.cnonce(), c.opaque(), "auth-int", c.nc(), false);
        assertThat(auth.verify(authInt, "REGISTER", ha1).status()).isEqualTo(Status.UNSUPPORTED_QOP);

        DigestCredentials badOpaque = new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(), c.response(),
                c.algorithm(), c.cnonce(), "not-ours", c.qop(), c.nc(), false);
        assertThat(auth.verify(badOpaque, "REGISTER", ha1))
                .isEqualTo(new DigestResult(Status.BAD_NONCE, "opaque 'not-ours' was not issued for this realm"));

        assertThat(auth.verify(c, "REGISTER", ha1).isOk()).isTrue();
    }

    private static DigestCredentials withRealm(DigestCredentials c, String realm) {
        return new DigestCredentials(c.username(), realm, c.nonce(), c.uri(), c.response(), c.algorithm(),
                c.cnonce(), c.opaque(), c.qop(), c.nc(), c.userhash());
    }

    @Test
    void ha1OfTheWrongHashIsAProgrammingError() throws DigestParseException {
        DigestCredentials c = answer(DigestAlgorithm.SHA_256);
        assertThatThrownBy(() -> auth.verify(c, "REGISTER", ha1(DigestAlgorithm.MD5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HA1 for SHA-256 must be 64 hex digits, got 32");
    }

    @Test
    void withoutQopANonceIsReusableUntilItExpires() throws DigestParseException {
        DigestAuthenticator rfc2069 = new DigestAuthenticator(DigestConfig.defaults(REALM).withQopAuth(false), clock, secret);
        assertThat(rfc2069.challengeHeaderValues(false).get(0)).doesNotContain("qop");
        DigestCredentials c = answer(DigestClient.withPassword(USER, PASSWORD), rfc2069, DigestAlgorithm.MD5);
        assertThat(c.qop()).isNull();
        assertThat(c.cnonce()).isNull();
        for (int i = 0; i < 3; i++) {
            assertThat(rfc2069.verify(c, "REGISTER", ha1(DigestAlgorithm.MD5))).isEqualTo(DigestResult.OK);
        }
        assertThat(rfc2069.trackedNonces()).isZero();
        clock.advance(Duration.ofSeconds(301));
        assertThat(rfc2069.verify(c, "REGISTER", ha1(DigestAlgorithm.MD5)).status()).isEqualTo(Status.STALE);
    }

    @Test
    void trackedNoncesStayBounded() throws DigestParseException {
        DigestAuthenticator small = new DigestAuthenticator(DigestConfig.defaults(REALM).withMaxTrackedNonces(50),
                clock, secret);
        DigestClient client = DigestClient.withPassword(USER, PASSWORD);
        for (int i = 0; i < 5_000; i++) {
            clock.advance(Duration.ofMillis(1));
            DigestCredentials c = answer(client, small, DigestAlgorithm.SHA_256);
            assertThat(small.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256)).isOk()).isTrue();
            assertThat(small.trackedNonces()).isLessThanOrEqualTo(50);
        }
        clock.advance(Duration.ofSeconds(301));
        DigestCredentials c = answer(client, small, DigestAlgorithm.SHA_256);
        assertThat(small.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256)).isOk()).isTrue();
        assertThat(small.trackedNonces()).isEqualTo(1);
    }

    @Test
    void nonceDroppedUnderLoadIsStaleNotReplayable() throws DigestParseException {
        DigestAuthenticator tiny = new DigestAuthenticator(DigestConfig.defaults(REALM).withMaxTrackedNonces(1),
                clock, secret);
        DigestClient client = DigestClient.withPassword(USER, PASSWORD);
        DigestCredentials first = answer(client, tiny, DigestAlgorithm.SHA_256);
        assertThat(tiny.verify(first, "REGISTER", ha1(DigestAlgorithm.SHA_256)).isOk()).isTrue();
        clock.advance(Duration.ofMillis(5));
        DigestCredentials second = answer(client, tiny, DigestAlgorithm.SHA_256);
        assertThat(tiny.verify(second, "REGISTER", ha1(DigestAlgorithm.SHA_256)).isOk()).isTrue();
        // "first" was pushed out while live; replaying it must not pass.
        DigestResult replay = tiny.verify(first, "REGISTER", ha1(DigestAlgorithm.SHA_256));
        assertThat(replay).isEqualTo(new DigestResult(Status.STALE,
                "nonce dropped from replay tracking (its slot of 1 taken by a newer nonce)"));
    }

    @Test
    void configDefaultsAndValidation() {
        DigestConfig d = DigestConfig.defaults(REALM);
        assertThat(d).isEqualTo(new DigestConfig(REALM, Duration.ofSeconds(300),
                List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), true, 100_000));
        assertThatThrownBy(() -> d.withNonceLifetime(Duration.ZERO))
                .hasMessage("nonceLifetime must be positive, got PT0S");
        assertThatThrownBy(() -> d.withAlgorithms(List.of()))
                .hasMessage("algorithms must not be empty");
        assertThatThrownBy(() -> d.withAlgorithms(List.of(DigestAlgorithm.MD5, DigestAlgorithm.MD5)))
                .hasMessage("algorithms lists an algorithm twice: [MD5, MD5]");
        assertThatThrownBy(() -> d.withMaxTrackedNonces(0))
                .hasMessage("maxTrackedNonces must be at least 1, got 0");
        assertThatThrownBy(() -> new DigestAuthenticator(d, clock, new byte[8]))
                .hasMessage("secret must have at least 16 bytes, got 8");
    }

    @Test
    void defaultConstructorWorks() throws DigestParseException {
        DigestAuthenticator live = new DigestAuthenticator(DigestConfig.defaults(REALM));
        DigestCredentials c = answer(DigestClient.withPassword(USER, PASSWORD), live, DigestAlgorithm.SHA_256);
        assertThat(live.verify(c, "REGISTER", ha1(DigestAlgorithm.SHA_256)).isOk()).isTrue();
    }
}
