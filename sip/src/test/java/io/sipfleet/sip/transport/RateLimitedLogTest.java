package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A flood becomes one visible line per interval that counts the rest; the rest go to DEBUG. The test is the clock. */
class RateLimitedLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-log-test");
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private long nanos = 1_000;

    @BeforeEach void attach() {
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        seen.start();
        logger.addAppender(seen);
    }

    @AfterEach void detach() { logger.detachAppender(seen); }

    private List<String> at(Level level) {
        return seen.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test void oneInfoLinePerIntervalCountingTheOthersWhichGoToDebug() {
        RateLimitedLog l = new RateLimitedLog(logger, org.slf4j.event.Level.INFO, 10, TimeUnit.SECONDS, () -> nanos);
        for (int i = 0; i < 100; i++) l.log("proxy: INVITE call-{}: no answer", i);
        assertThat(at(Level.INFO)).containsExactly("proxy: INVITE call-0: no answer");
        assertThat(at(Level.DEBUG)).hasSize(99);
        nanos += TimeUnit.SECONDS.toNanos(9);
        l.log("proxy: INVITE call-{}: no answer", 100);
        assertThat(at(Level.INFO)).as("still inside the interval").hasSize(1);
        nanos += TimeUnit.SECONDS.toNanos(1);
        l.log("proxy: INVITE call-{}: no answer", 101);
        assertThat(at(Level.INFO)).last().isEqualTo(
                "proxy: INVITE call-101: no answer (and 100 similar events since the last such line, logged at DEBUG)");
        assertThat(at(Level.WARN)).isEmpty();
    }

    @Test void warnByDefault() {
        new RateLimitedLog(logger, 1, TimeUnit.HOURS).log("refused to send to {}", "127.0.0.9");
        assertThat(seen.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).isEqualTo("refused to send to 127.0.0.9");
        });
    }

    @Test void atWarnATrailingThrowableStaysTheException() {
        RateLimitedLog l = new RateLimitedLog(logger, org.slf4j.event.Level.WARN, 1, TimeUnit.SECONDS, () -> nanos);
        l.log("send to {} failed", "127.0.0.9", new IllegalStateException("boom"));
        l.log("send to {} failed", "127.0.0.9", new IllegalStateException("boom"));
        nanos += TimeUnit.SECONDS.toNanos(1);
        l.log("send to {} failed", "127.0.0.9", new IllegalStateException("boom"));
        List<ILoggingEvent> warns = seen.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warns).hasSize(2);
        assertThat(warns.get(1).getFormattedMessage())
                .isEqualTo("send to 127.0.0.9 failed (and 1 similar events since the last such line, logged at DEBUG)");
        assertThat(warns.get(1).getThrowableProxy().getMessage()).isEqualTo("boom");
    }
}
