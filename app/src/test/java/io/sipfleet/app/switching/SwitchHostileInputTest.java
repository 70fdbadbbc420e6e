package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input: a scanner learns nothing from guessing user names (an unknown user gets the
 * same answers, byte for byte up to nonces and tags, as a known user with a wrong password, for
 * REGISTER, INVITE and OPTIONS to a user; SIPp's wrong-password scenarios pass for both), and a
 * source that keeps failing is slowed, then blocked (dropped unanswered) for blockSeconds, while
 * another source registers as usual; all of it counted in /metrics.
 */
class SwitchHostileInputTest {
    static final String SWITCH = "127.0.0.66", SCANNER = "127.0.0.185", PHONE = "127.0.0.186";
    static final Duration WAIT = Duration.ofSeconds(3);

    @TempDir Path dir;
    TestSwitch sw;

    @BeforeAll static void sippInstalled() {
        assumeTrue(Sipp.binary() != null, "sipp is not on the PATH (apt-get install sip-tester)");
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    /** The two answers (challenge, then the answer to wrong credentials) for {@code user}, normalised. */
    private static List<String> answers(RawSip c, String method, String user) {
        boolean register = method.equals("REGISTER");
        String ruri = register ? "sip:sipfleet.local" : "sip:1003@sipfleet.local";
        String to = register ? "sip:" + user + "@sipfleet.local" : ruri;
        String callId = RawSip.unique("enum");
        RawSip.Received first = c.exchange(c.request(method, ruri, user, to, callId, 1), callId, 1, WAIT);
        assertThat(first).as("%s from %s: challenge", method, user).isNotNull();
        assertThat(first.status()).isEqualTo(register ? 401 : 407);
        DigestClient guess = DigestClient.withPassword(user, "guess-" + user);
        DigestChallenge challenge = guess.choose(first.headers(register ? "WWW-Authenticate" : "Proxy-Authenticate"))
                .orElseThrow();
        String credentials = (register ? "Authorization: " : "Proxy-Authorization: ")
                + guess.authorize(challenge, method, ruri);
        RawSip.Received second = c.exchange(c.request(method, ruri, user, to, callId, 2, credentials), callId, 2, WAIT);
        assertThat(second).as("%s from %s: answer to wrong credentials", method, user).isNotNull();
        List<String> out = new ArrayList<>();
        for (RawSip.Received r : List.of(first, second)) {
            out.add(r.text()
                    .replaceAll("nonce=\"[^\"]*\"", "nonce=\"*\"")
                    .replaceAll("(branch|tag)=[^;>,\\s]+", "$1=*")
                    .replaceAll("(?m)^Call-ID: .*$", "Call-ID: *")
                    .replace(user, "USER"));
        }
        return out;
    }

    @Test void anUnknownUserGetsExactlyTheAnswersOfAKnownUserWithAWrongPassword() {
        TestSwitch.Config c = new TestSwitch.Config(SWITCH);
        c.maxFailuresPerWindow = 100; // this test is about the answers, not the guard
        sw = TestSwitch.start(c);
        try (RawSip scanner = new RawSip(SCANNER, SWITCH, TestSwitch.PORT)) {
            for (String method : List.of("REGISTER", "INVITE", "OPTIONS")) {
                List<String> known = answers(scanner, method, "1002");
                List<String> unknown = answers(scanner, method, "9999");
                assertThat(known.get(1)).as(method).startsWith("SIP/2.0 403 Forbidden\r\n");
                assertThat(unknown).as("%s: unknown user vs known user with a wrong password", method)
                        .isEqualTo(known);
            }
        }
        // the same SIPp scenarios pass whether the user exists or not
        for (String user : List.of("1002", "9999")) {
            String wrong = user + ";[authentication username=" + user + " password=guess]";
            Sipp.scenario("register-wrong-password").local(SCANNER, 5060).remote(SWITCH, TestSwitch.PORT)
                    .arg("-auth_uri", TestSwitch.REALM).injection("SEQUENTIAL", wrong).calls(1).timeout(10)
                    .run(dir, "register-" + user).assertClean(1);
            Sipp.scenario("uac-wrong-password").local(SCANNER, 5060).remote(SWITCH, TestSwitch.PORT)
                    .arg("-auth_uri", "1003@sipfleet.local").arg("-s", "1003").injection("SEQUENTIAL", wrong)
                    .calls(1).timeout(10).run(dir, "invite-" + user).assertClean(1);
        }
        assertThat(sw.metric("sipfleet_auth_failures_total")).isEqualTo(10);
    }

    @Test void aFailingSourceIsSlowedThenBlockedWhileAnotherIsNot() {
        TestSwitch.Config c = new TestSwitch.Config(SWITCH);
        c.maxFailuresPerWindow = 4; // slowed from the 3rd failure, the 5th blocks
        c.blockSeconds = 3;
        sw = TestSwitch.start(c);
        String ruri = "sip:sipfleet.local", aor = "sip:1002@sipfleet.local";
        try (RawSip scanner = new RawSip(SCANNER, SWITCH, TestSwitch.PORT);
             RawSip phone = new RawSip(PHONE, SWITCH, TestSwitch.PORT)) {
            String callId = RawSip.unique("scan");
            RawSip.Received challenge = scanner.exchange(scanner.request("REGISTER", ruri, "1002", aor, callId, 1),
                    callId, 1, WAIT);
            assertThat(challenge.status()).isEqualTo(401);
            DigestClient guess = DigestClient.withPassword("1002", "guess");
            DigestChallenge ch = guess.choose(challenge.headers("WWW-Authenticate")).orElseThrow();
            int cseq = 1;

            for (int failure = 1; failure <= 3; failure++) {
                long t0 = System.nanoTime();
                RawSip.Received r = scanner.exchange(scanner.request("REGISTER", ruri, "1002", aor, callId, ++cseq,
                        "Authorization: " + guess.authorize(ch, "REGISTER", ruri)), callId, cseq, WAIT);
                assertThat(r).as("answer to failure %d", failure).isNotNull();
                assertThat(r.status()).isEqualTo(403);
                double s = (r.atNanos() - t0) / 1e9;
                if (failure < 3) assertThat(s).as("failure %d answered at once", failure).isLessThan(1.0);
                else assertThat(s).as("failure 3 (over half the limit) answered late").isBetween(1.5, 2.9);
            }
            // failures 4 and 5 together: the 5th starts the block; both still get their (late) 403
            int c4 = ++cseq, c5 = ++cseq;
            scanner.send(scanner.request("REGISTER", ruri, "1002", aor, callId, c4,
                    "Authorization: " + guess.authorize(ch, "REGISTER", ruri)));
            scanner.send(scanner.request("REGISTER", ruri, "1002", aor, callId, c5,
                    "Authorization: " + guess.authorize(ch, "REGISTER", ruri)));
            long blockedAt = System.nanoTime();
            assertThat(scanner.awaitFinal(callId, c4, WAIT)).isNotNull();
            assertThat(scanner.awaitFinal(callId, c5, WAIT)).isNotNull();
            assertThat(sw.metric("sipfleet_auth_blocked_sources")).isEqualTo(1);

            // blocked: whatever it sends now is dropped, unanswered
            String again = RawSip.unique("blocked");
            assertThat(scanner.exchange(scanner.request("REGISTER", ruri, "1002", aor, again, 1), again, 1,
                    Duration.ofMillis(800))).as("answer to a blocked source").isNull();
            assertThat(scanner.exchange(scanner.request("OPTIONS", "sip:" + SWITCH, "1002", "sip:" + SWITCH, again, 2),
                    again, 2, Duration.ofMillis(500))).as("answer to a blocked source's OPTIONS").isNull();

            // another source is not affected: it registers, promptly
            long t0 = System.nanoTime();
            sw.register(dir, "1003", PHONE, 5066);
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds for the other source to register").isLessThan(1.5);

            String metrics = sw.scrape();
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_auth_failures_total")).isEqualTo(5);
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_auth_blocks_total")).isEqualTo(1);
            assertThat(TestSwitch.metricIn(metrics, "sipfleet_auth_dropped_total")).isGreaterThanOrEqualTo(2);

            // the block is over after blockSeconds: the scanner's source is heard again
            long end = blockedAt + Duration.ofMillis(3300).toNanos();
            while (System.nanoTime() < end) Sipp.sleep(50);
            String later = RawSip.unique("later");
            RawSip.Received heard = scanner.exchange(scanner.request("REGISTER", ruri, "1002", aor, later, 1), later, 1,
                    WAIT);
            assertThat(heard).as("answer after the block").isNotNull();
            assertThat(heard.status()).isEqualTo(401);
            DigestClient right = DigestClient.withPassword("1002", "secret1002");
            RawSip.Received ok = scanner.exchange(scanner.request("REGISTER", ruri, "1002", aor, later, 2,
                    "Authorization: " + right.authorize(right.choose(heard.headers("WWW-Authenticate")).orElseThrow(),
                            "REGISTER", ruri)), later, 2, WAIT);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(sw.metric("sipfleet_auth_blocked_sources")).isZero();
        }
    }
}
