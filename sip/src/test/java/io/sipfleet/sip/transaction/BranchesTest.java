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
}
