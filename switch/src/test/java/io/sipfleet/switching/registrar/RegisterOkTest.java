package io.sipfleet.switching.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RegisterOkTest {
    @Test
    void qValuesAreWrittenAsTheShortestQvalue() {
        assertThat(RegisterOk.qText(1000)).isEqualTo("1");
        assertThat(RegisterOk.qText(0)).isEqualTo("0");
        assertThat(RegisterOk.qText(500)).isEqualTo("0.5");
        assertThat(RegisterOk.qText(50)).isEqualTo("0.05");
        assertThat(RegisterOk.qText(125)).isEqualTo("0.125");
        assertThat(RegisterOk.qText(7)).isEqualTo("0.007");
        assertThat(RegisterOk.qText(990)).isEqualTo("0.99");
    }

    @Test
    void theDateHeaderIsRfc1123AndFollowsTheClockAcrossSeconds() {
        long t = Instant.parse("2026-12-06T16:58:47.120Z").toEpochMilli();
        assertThat(RegisterOk.date(t)).isEqualTo("Sun, 06 Dec 2026 16:58:47 GMT");
        assertThat(RegisterOk.date(t + 870)).isEqualTo("Sun, 06 Dec 2026 16:58:47 GMT");
        assertThat(RegisterOk.date(t + 880)).isEqualTo("Sun, 06 Dec 2026 16:58:48 GMT");
        assertThat(RegisterOk.date(t - 200)).as("an earlier second again (another thread's clock)")
                .isEqualTo("Sun, 06 Dec 2026 16:58:46 GMT");
    }
}
