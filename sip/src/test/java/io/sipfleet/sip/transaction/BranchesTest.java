package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.Via;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BranchesTest {
    private static final String TOKEN_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";

    @Test
    void branchesCarryTheCookieAndAreTokens() {
        String b = Branches.next();
        assertThat(b).startsWith("z9hG4bK").hasSizeGreaterThan(7);
        assertThat(Via.of("UDP", "h", 5060, b).hasRfc3261Branch()).isTrue();
        assertThat(b.chars()).allMatch(c -> TOKEN_CHARS.indexOf(c) >= 0);
        assertThat(Branches.tag().chars()).allMatch(c -> TOKEN_CHARS.indexOf(c) >= 0);
        assertThat(Branches.tag()).doesNotStartWith("z9hG4bK");
    }

    @Test
    void uniqueAcrossThreads() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 200_000).parallel().forEach(i -> assertThat(seen.add(Branches.next())).isTrue());
        assertThat(seen).hasSize(200_000);
        Set<String> tags = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 50_000).parallel().forEach(i -> tags.add(Branches.tag()));
        assertThat(tags).hasSize(50_000);
    }

    /** The counter and the tag's random part spell as Long.toString(v, 36) does, after the node prefix. */
    @Test
    void numbersAreBase36AsJavaSpellsThem() {
        byte[] p = "pre-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (long n : new long[] {0, 1, 35, 36, 1295, 1296, 123_456_789L, Integer.MAX_VALUE, Long.MAX_VALUE}) {
            assertThat(Branches.render(p, n, -1)).isEqualTo("pre-" + Long.toString(n, 36));
            assertThat(Branches.render(p, n, 0)).isEqualTo("pre-" + Long.toString(n, 36) + ".0");
            assertThat(Branches.render(new byte[0], 7, Integer.MAX_VALUE)).isEqualTo("7." + Integer.toString(Integer.MAX_VALUE, 36));
        }
        String a = Branches.next(), b = Branches.next();
        assertThat(a.substring(0, 18)).isEqualTo(b.substring(0, 18)).startsWith("z9hG4bK").endsWith("-");
        assertThat(Long.parseLong(b.substring(18), 36)).isGreaterThan(Long.parseLong(a.substring(18), 36));
        String t = Branches.tag();
        assertThat(t).matches("[0-9a-v]{10}-[0-9a-z]+\\.[0-9a-z]+");
    }
}
