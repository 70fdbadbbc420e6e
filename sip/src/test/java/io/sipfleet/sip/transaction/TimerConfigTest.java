package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimerConfigTest {
    private static Duration ms(long v) { return Duration.ofMillis(v); }

    @Test
    void defaultsAndDerivedTimers() {
        TimerConfig c = TimerConfig.defaults();
        assertThat(c.t1()).isEqualTo(ms(500));
        assertThat(c.t2()).isEqualTo(ms(4000));
        assertThat(c.t4()).isEqualTo(ms(5000));
        assertThat(c.trying()).isEqualTo(ms(200));
        assertThat(c.timerB()).isEqualTo(ms(32_000));
        assertThat(c.timerF()).isEqualTo(ms(32_000));
        assertThat(c.timerH()).isEqualTo(ms(32_000));
        assertThat(c.timerJ(false)).isEqualTo(ms(32_000));
        assertThat(c.timerJ(true)).isZero();
        assertThat(c.timerD(false)).isEqualTo(ms(32_000));
        assertThat(c.timerD(true)).isZero();
        assertThat(c.timerI(false)).isEqualTo(ms(5000));
        assertThat(c.timerI(true)).isZero();
        assertThat(c.timerK(false)).isEqualTo(ms(5000));
        assertThat(c.timerK(true)).isZero();
    }

    @Test
    void timerDOutlastsTimerHWhenT1IsRaised() {
        TimerConfig c = TimerConfig.defaults().withT1(ms(1000));
        assertThat(c.timerD(false)).isEqualTo(ms(64_000));
        assertThat(TimerConfig.defaults().withT1(ms(100)).timerD(false)).isEqualTo(ms(32_000));
    }

    @Test
    void lingerShortensOnlyTheTimersThatAbsorbRetransmissions() {
        TimerConfig c = TimerConfig.defaults().withLinger(ms(5000));
        assertThat(c.timerJ(false)).isEqualTo(ms(5000));
        assertThat(c.timerD(false)).isEqualTo(ms(5000));
        assertThat(c.timerL()).isEqualTo(ms(5000));
        assertThat(c.timerM()).isEqualTo(ms(5000));
        assertThat(c.timerJ(true)).as("reliable: nothing to absorb").isZero();
        assertThat(c.timerD(true)).isZero();
        assertThat(c.timerB()).as("timeouts are not lingering").isEqualTo(ms(32_000));
        assertThat(c.timerF()).isEqualTo(ms(32_000));
        assertThat(c.timerH()).isEqualTo(ms(32_000));
        assertThat(c.withT2(ms(8000)).linger()).as("kept by the withers").isEqualTo(ms(5000));
        assertThat(c.withLinger(null).timerJ(false)).isEqualTo(ms(32_000));
        assertThatThrownBy(() -> TimerConfig.defaults().withLinger(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
        assertThatThrownBy(() -> TimerConfig.defaults().withLinger(ms(32_001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64*T1");
    }

    @Test
    void doublingIsCappedAtT2() {
        TimerConfig c = TimerConfig.defaults();
        assertThat(c.doubledCapped(ms(500))).isEqualTo(ms(1000));
        assertThat(c.doubledCapped(ms(2000))).isEqualTo(ms(4000));
        assertThat(c.doubledCapped(ms(4000))).isEqualTo(ms(4000));
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> TimerConfig.defaults().withT1(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimerConfig.defaults().withT1(ms(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimerConfig.defaults().withT2(ms(499))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimerConfig.defaults().withT4(ms(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimerConfig.defaults().withTrying(ms(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimerConfig(null, ms(1), ms(1), null)).isInstanceOf(NullPointerException.class);
        assertThat(TimerConfig.defaults().withT2(ms(500)).t2()).isEqualTo(ms(500));
        assertThat(TimerConfig.defaults().withTrying(null).trying()).isNull();
    }
}
