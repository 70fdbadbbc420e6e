package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigestClientTest {

    private static final String RFC7616_CHALLENGE = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\","
            + " algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
            + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    private static final String RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    private static DigestClient mufasa() {
        return new DigestClient("Mufasa", "Circle of Life", null, null, () -> RFC7616_CNONCE);
    }

    @Test
    void answersTheRfc7616ExampleExactly() throws DigestParseException {
        assertThat(mufasa().authorize(RFC7616_CHALLENGE, "GET", "/dir/index.html")).isEqualTo(
                "Digest username=\"Mufasa\", realm=\"http-auth@example.org\","
                        + " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\","
                        + " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\","
                        + " algorithm=SHA-256, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\","
                        + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001");
        String md5Challenge = RFC7616_CHALLENGE.replace("SHA-256", "MD5");
        assertThat(mufasa().credentials(DigestChallenge.parse(md5Challenge), "GET", "/dir/index.html").response())
                .isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
    }

    @Test
    void countsNcPerNonceAndRestartsOnANewOne() throws DigestParseException {
        DigestClient client = mufasa();
        DigestChallenge first = DigestChallenge.parse(RFC7616_CHALLENGE);
        assertThat(client.credentials(first, "REGISTER", "sip:a").nc()).isEqualTo(1);
        assertThat(client.credentials(first, "REGISTER", "sip:a").nc()).isEqualTo(2);
        DigestChallenge second = DigestChallenge.parse(RFC7616_CHALLENGE.replace("7ypf", "8ypf"));
        assertThat(client.credentials(second, "REGISTER", "sip:a").nc()).isEqualTo(1);
    }

    @Test
    void randomCnonceIsFreshEachTime() throws DigestParseException {
        DigestClient client = DigestClient.withPassword("u", "p");
        DigestChallenge c = DigestChallenge.parse(RFC7616_CHALLENGE);
        String a = client.credentials(c, "REGISTER", "sip:a").cnonce();
        String b = client.credentials(c, "REGISTER", "sip:a").cnonce();
        assertThat(a).hasSize(32).isNotEqualTo(b);
    }

    @Test
    void choosesTheTopmostSupportedChallenge() {
        List<String> offered = List.of(
                "Basic realm=\"r\"",
                "Digest realm=\"r\", nonce=\"n0\", algorithm=SHA-512-256, qop=\"auth\"",
                "Digest realm=\"r\", nonce=\"n1\", algorithm=SHA-256, qop=\"auth-int\"",
                "Digest realm=\"r\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth\"",
                "Digest realm=\"r\", nonce=\"n3\", algorithm=MD5, qop=\"auth\"");
        assertThat(DigestClient.withPassword("u", "p").choose(offered)).get()
                .extracting(DigestChallenge::nonce).isEqualTo("n2");
        DigestClient md5Only = DigestClient.withHa1("u", DigestAlgorithm.MD5, Ha1.compute(DigestAlgorithm.MD5, "u", "r", "p"));
        assertThat(md5Only.choose(offered)).get().extracting(DigestChallenge::nonce).isEqualTo("n3");
        assertThat(md5Only.choose(offered.subList(0, 3))).isEmpty();
    }

    @Test
    void refusesWhatItCannotAnswer() {
        DigestChallenge authInt = new DigestChallenge("r", "n", null, DigestAlgorithm.SHA_256, List.of("auth-int"),
                false, false);
        DigestClient client = DigestClient.withPassword("u", "p");
        assertThat(client.supports(authInt)).isFalse();
        assertThatThrownBy(() -> client.authorize(authInt, "REGISTER", "sip:r"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot answer SHA-256 challenge with qop [auth-int]");
        DigestChallenge sessWithoutQop = new DigestChallenge("r", "n", null, DigestAlgorithm.MD5_SESS, List.of(),
                false, false);
        assertThat(client.supports(sessWithoutQop)).isFalse();
        assertThatThrownBy(() -> DigestClient.withHa1("u", DigestAlgorithm.SHA_256, "abc"))
                .hasMessage("HA1 for SHA-256 must be 64 hex digits");
    }

    @Test
    void answersWithoutQopInTheRfc2069Form() throws DigestParseException {
        String header = DigestClient.withPassword("Mufasa", "Circle Of Life").authorize(
                "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", "GET",
                "/dir/index.html");
        DigestCredentials c = DigestCredentials.parse(header);
        assertThat(c.qop()).isNull();
        assertThat(c.cnonce()).isNull();
        assertThat(header).doesNotContain("nc=").doesNotContain("cnonce").doesNotContain("opaque");
        String ha1 = Ha1.compute(DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        assertThat(c.response()).isEqualTo(DigestAlgorithm.MD5.hashHex(ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                DigestAlgorithm.MD5.hashHex("GET", "/dir/index.html")));
    }

    @Test
    void hashesTheUsernameWhenTheServerOffersUserhash() throws DigestParseException {
        DigestChallenge c = DigestChallenge.parse(RFC7616_CHALLENGE + ", userhash=true");
        DigestCredentials creds = DigestClient.withPassword("Mufasa", "Circle of Life").credentials(c, "GET", "/");
        assertThat(creds.userhash()).isTrue();
        assertThat(creds.username()).isEqualTo(Ha1.userhash(DigestAlgorithm.SHA_256, "Mufasa", "http-auth@example.org"));
        assertThat(creds.toHeaderValue()).endsWith(", userhash=true");
    }
}
