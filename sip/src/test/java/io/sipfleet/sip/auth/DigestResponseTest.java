package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked examples of the RFCs, through the parser and the response computation. */
class DigestResponseTest {

    /** RFC 2617 section 3.5 (note "Circle Of Life" with a capital O there). */
    @Test
    void rfc2617Section35Example() throws DigestParseException {
        DigestCredentials c = DigestCredentials.parse("""
                Digest username="Mufasa",
                     realm="testrealm@host.com",
                     nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                     uri="/dir/index.html",
                     qop=auth,
                     nc=00000001,
                     cnonce="0a4f113b",
                     response="6629fae49393a05397450978507c4ef1",
                     opaque="5ccc069c403ebaf9f0171e9517f40e41\"""".replace("\n", "\r\n"));
        assertThat(c.username()).isEqualTo("Mufasa");
        assertThat(c.realm()).isEqualTo("testrealm@host.com");
        assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.MD5);
        assertThat(c.nc()).isEqualTo(1);
        assertThat(c.opaque()).isEqualTo("5ccc069c403ebaf9f0171e9517f40e41");

        String ha1 = Ha1.compute(DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        assertThat(DigestResponse.compute(c.algorithm(), ha1, c.nonce(), c.cnonce(), c.nc(), c.qop(), "GET", c.uri()))
                .isEqualTo("6629fae49393a05397450978507c4ef1")
                .isEqualTo(c.response());
    }

    /**
     * RFC 7616 section 3.9.1. Its password is "Circle of Life" (lowercase o). The MD5 response
     * printed there is 8ca523f5e9506fed4657c9700eebdbec, which is what this computes.
     */
    @Test
    void rfc7616Section391Examples() throws DigestParseException {
        String nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        String realm = "http-auth@example.org";

        DigestChallenge challenge = DigestChallenge.parse("""
                Digest
                    realm="http-auth@example.org",
                    qop="auth, auth-int",
                    algorithm=SHA-256,
                    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"""".replace("\n", "\r\n"));
        assertThat(challenge.qop()).containsExactly("auth", "auth-int");
        assertThat(challenge.algorithm()).isEqualTo(DigestAlgorithm.SHA_256);
        assertThat(challenge.nonce()).isEqualTo(nonce);

        String md5Ha1 = Ha1.compute(DigestAlgorithm.MD5, "Mufasa", realm, "Circle of Life");
        assertThat(DigestResponse.compute(DigestAlgorithm.MD5, md5Ha1, nonce, cnonce, 1, "auth", "GET", "/dir/index.html"))
                .isEqualTo("8ca523f5e9506fed4657c9700eebdbec");

        String shaHa1 = Ha1.compute(DigestAlgorithm.SHA_256, "Mufasa", realm, "Circle of Life");
        DigestCredentials sha = DigestCredentials.parse("""
                Digest username="Mufasa",
                    realm="http-auth@example.org",
                    uri="/dir/index.html",
                    algorithm=SHA-256,
                    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                    nc=00000001,
                    cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                    qop=auth,
                    response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"""".replace("\n", "\r\n"));
        assertThat(DigestResponse.compute(sha.algorithm(), shaHa1, sha.nonce(), sha.cnonce(), sha.nc(), sha.qop(),
                "GET", sha.uri()))
                .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
                .isEqualTo(sha.response());
    }

    /** RFC 2069 form: response = H(HA1:nonce:HA2), from the RFC 2617 values without qop. */
    @Test
    void withoutQop() {
        String ha1 = Ha1.compute(DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        String ha2 = DigestAlgorithm.MD5.hashHex("GET", "/dir/index.html");
        assertThat(DigestResponse.compute(DigestAlgorithm.MD5, ha1, "n", null, 0, null, "GET", "/dir/index.html"))
                .isEqualTo(DigestAlgorithm.MD5.hashHex(ha1, "n", ha2));
    }

    /** -sess: HA1' = H(HA1:nonce:cnonce) with the hex HA1 (RFC 2617 erratum 1649). */
    @Test
    void sessionVariantRekeysHa1() {
        String ha1 = Ha1.compute(DigestAlgorithm.SHA_256, "u", "r", "p");
        assertThat(Ha1.compute(DigestAlgorithm.SHA_256_SESS, "u", "r", "p")).isEqualTo(ha1);
        String sessHa1 = DigestAlgorithm.SHA_256.hashHex(ha1, "n", "c");
        String ha2 = DigestAlgorithm.SHA_256.hashHex("REGISTER", "sip:example.com");
        assertThat(DigestResponse.compute(DigestAlgorithm.SHA_256_SESS, ha1, "n", "c", 2, "auth", "REGISTER",
                "sip:example.com"))
                .isEqualTo(DigestAlgorithm.SHA_256.hashHex(sessHa1, "n", "00000002", "c", "auth", ha2));
    }

    /**
     * The response is hashed from a reused per-thread buffer: a non-ASCII digest-uri (UTF-8), one
     * longer than the buffer and one that makes it shrink again must hash as part-by-part hashing
     * does, on an event-loop-like platform thread and on a virtual thread alike.
     */
    @Test
    void reusedBufferHashesLikePartByPart() throws Exception {
        String ha1 = Ha1.compute(DigestAlgorithm.SHA_256, "u", "r", "p");
        List<String> uris = List.of("sip:bob@example.com", "sip:b\u00f6b@ex\u00e4mple.com",
                "sip:" + "x".repeat(300) + "@example.com", "sip:" + "y".repeat(5000) + "@example.com", "sip:short");
        java.util.concurrent.Callable<List<String>> all = () -> uris.stream().map(uri ->
                DigestResponse.compute(DigestAlgorithm.SHA_256, ha1, "n", "c", 0x1f, "auth", "INVITE", uri)).toList();
        List<String> expected = uris.stream().map(uri -> DigestAlgorithm.SHA_256.hashHex(ha1, "n", "0000001f", "c", "auth",
                DigestAlgorithm.SHA_256.hashHex("INVITE", uri))).toList();
        assertThat(all.call()).isEqualTo(expected);
        try (var virtual = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(virtual.submit(all).get()).isEqualTo(expected);
        }
    }

    @Test
    void uppercaseStoredHa1IsAccepted() {
        String ha1 = Ha1.compute(DigestAlgorithm.MD5, "u", "r", "p");
        assertThat(DigestResponse.compute(DigestAlgorithm.MD5, ha1.toUpperCase(), "n", "c", 1, "auth", "GET", "/"))
                .isEqualTo(DigestResponse.compute(DigestAlgorithm.MD5, ha1, "n", "c", 1, "auth", "GET", "/"));
    }

    @Test
    void rejectsMisuse() {
        String md5Ha1 = Ha1.compute(DigestAlgorithm.MD5, "u", "r", "p");
        assertThatThrownBy(() -> DigestResponse.compute(DigestAlgorithm.SHA_256, md5Ha1, "n", "c", 1, "auth", "GET", "/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HA1 for SHA-256 must be 64 hex digits, got 32");
        assertThatThrownBy(() -> DigestResponse.compute(DigestAlgorithm.MD5, md5Ha1, "n", "c", 1, "auth-int", "GET", "/"))
                .hasMessage("qop 'auth-int' is not supported, only 'auth'");
        assertThatThrownBy(() -> DigestResponse.compute(DigestAlgorithm.MD5, md5Ha1, "n", null, 1, "auth", "GET", "/"))
                .hasMessage("cnonce is required with qop or a -sess algorithm");
    }

    @Test
    void userhashIsHashOfUsernameAndRealm() {
        // RFC 7616 section 3.4.4: the hashed username is H(username:realm), UTF-8 encoded.
        assertThat(Ha1.userhash(DigestAlgorithm.SHA_256, "J\u00e4s\u00f8n Doe", "api@example.org"))
                .isEqualTo(DigestAlgorithm.SHA_256.hashHex("J\u00e4s\u00f8n Doe:api@example.org"));
    }
}
