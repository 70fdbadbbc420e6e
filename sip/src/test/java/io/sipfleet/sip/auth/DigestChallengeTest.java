package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigestChallengeTest {

    @Test
    void rendersTheWwwAuthenticateValue() {
        DigestChallenge c = new DigestChallenge("sip.example.com", "abc", "xyz", DigestAlgorithm.MD5,
                List.of("auth"), false, false);
        assertThat(c.toHeaderValue()).isEqualTo(
                "Digest realm=\"sip.example.com\", nonce=\"abc\", opaque=\"xyz\", algorithm=MD5, qop=\"auth\"");
    }

    @Test
    void rendersStaleAndOmitsAbsentParts() {
        DigestChallenge c = new DigestChallenge("r", "n", null, DigestAlgorithm.SHA_256, List.of(), true, false);
        assertThat(c.toHeaderValue()).isEqualTo("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256, stale=true");
    }

    @Test
    void parsesWhatItRenders() throws DigestParseException {
        DigestChallenge c = new DigestChallenge("r", "n", "o", DigestAlgorithm.SHA_256_SESS,
                List.of("auth", "auth-int"), true, true);
        assertThat(DigestChallenge.parse(c.toHeaderValue())).isEqualTo(c);
    }

    @Test
    void parsesRfc3261StyleChallenge() throws DigestParseException {
        // RFC 3261 section 20.44 example, with the domain parameter this package ignores.
        DigestChallenge c = DigestChallenge.parse("Digest realm=\"atlanta.com\",\r\n"
                + "        domain=\"sip:boxesbybob.com\", qop=\"auth\",\r\n"
                + "        nonce=\"f84f1cec41e6cbe5aea9c8e88d359\",\r\n"
                + "        opaque=\"\", stale=FALSE, algorithm=MD5");
        assertThat(c).isEqualTo(new DigestChallenge("atlanta.com", "f84f1cec41e6cbe5aea9c8e88d359", "",
                DigestAlgorithm.MD5, List.of("auth"), false, false));
        assertThat(c.offersAuth()).isTrue();
    }

    @Test
    void defaultsToMd5WithoutQop() throws DigestParseException {
        DigestChallenge c = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\"");
        assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.MD5);
        assertThat(c.qop()).isEmpty();
        assertThat(c.offersAuth()).isFalse();
    }

    @Test
    void errorsNameTheHeader() {
        assertThatThrownBy(() -> DigestChallenge.parse("Digest realm=\"r\""))
                .hasMessage("WWW-Authenticate: missing 'nonce'");
        assertThatThrownBy(() -> DigestChallenge.parse("Proxy-Authenticate", "Digest nonce=\"n\""))
                .hasMessage("Proxy-Authenticate: missing 'realm'");
        assertThatThrownBy(() -> DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256"))
                .hasMessage("WWW-Authenticate: unsupported algorithm 'SHA-512-256'");
        assertThatThrownBy(() -> DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", qop=\" , \""))
                .hasMessage("WWW-Authenticate: 'qop' lists no option");
        assertThatThrownBy(() -> DigestChallenge.parse("Bearer realm=\"r\""))
                .hasMessage("WWW-Authenticate: scheme 'Bearer' is not Digest");
    }
}
