package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DigestAlgorithmTest {

    @Test
    void tokensMatchTheIanaRegistry() {
        assertThat(List.of(DigestAlgorithm.values()).stream().map(DigestAlgorithm::token))
                .containsExactly("MD5", "MD5-sess", "SHA-256", "SHA-256-sess");
    }

    @Test
    void fromTokenIgnoresCaseAndRejectsUnknown() {
        assertThat(DigestAlgorithm.fromToken("md5")).contains(DigestAlgorithm.MD5);
        assertThat(DigestAlgorithm.fromToken("SHA-256-SESS")).contains(DigestAlgorithm.SHA_256_SESS);
        assertThat(DigestAlgorithm.fromToken("SHA-512-256")).isEmpty();
        assertThat(DigestAlgorithm.fromToken(null)).isEmpty();
    }

    @Test
    void hashesKnownVectorsInLowercaseHex() {
        assertThat(DigestAlgorithm.MD5.hashHex("")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(DigestAlgorithm.SHA_256.hashHex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(DigestAlgorithm.MD5.hashHex("a", "b")).isEqualTo(DigestAlgorithm.MD5.hashHex("a:b"));
        assertThat(DigestAlgorithm.SHA_256_SESS.hashHex("abc")).isEqualTo(DigestAlgorithm.SHA_256.hashHex("abc"));
    }

    @Test
    void lengthsAndSessionFlags() {
        assertThat(DigestAlgorithm.MD5.hexLength()).isEqualTo(32);
        assertThat(DigestAlgorithm.SHA_256_SESS.hexLength()).isEqualTo(64);
        assertThat(DigestAlgorithm.MD5_SESS.session()).isTrue();
        assertThat(DigestAlgorithm.SHA_256.session()).isFalse();
        assertThat(DigestAlgorithm.MD5.sameHash(DigestAlgorithm.MD5_SESS)).isTrue();
        assertThat(DigestAlgorithm.MD5.sameHash(DigestAlgorithm.SHA_256)).isFalse();
    }

    @Test
    void hashingIsThreadSafe() {
        String expected = DigestAlgorithm.SHA_256.hashHex("user", "realm", "secret");
        var results = ConcurrentHashMap.<String>newKeySet();
        IntStream.range(0, 10_000).parallel()
                .forEach(i -> results.add(DigestAlgorithm.SHA_256.hashHex("user", "realm", "secret")));
        assertThat(results).containsExactly(expected);
    }

    @Test
    void hexHelpers() {
        assertThat(Hex.eightDigits(1)).isEqualTo("00000001");
        assertThat(Hex.eightDigits(0xabcdef12L)).isEqualTo("abcdef12");
        assertThat(Hex.encode(new byte[] {0, (byte) 0xff, 0x1a})).isEqualTo("00ff1a");
        assertThat(Hex.isHex("0aF9")).isTrue();
        assertThat(Hex.isHex("0g")).isFalse();
        assertThat(Hex.isHex("")).isFalse();
    }
}
