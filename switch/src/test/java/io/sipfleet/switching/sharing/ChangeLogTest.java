package io.sipfleet.switching.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.Flow;
import org.junit.jupiter.api.Test;

class ChangeLogTest {
    private static Binding binding(String user, long expires) {
        return new Binding("sip:" + user + "@x", "sip:" + user + "@10.0.0.1:5060", expires, Binding.Q_ABSENT, "cid", 1,
                Flow.udp("10.0.0.1", 5060, "127.0.0.1", 5060), null, Binding.NO_REG_ID, null, "sw-a", 0, null);
    }

    @Test void aPeerGetsOnlyWhatChangedSinceItsLastPull() {
        ChangeLog log = new ChangeLog(100);
        log.put(binding("1", 1000));
        log.put(binding("2", 2000));
        ChangeLog.Since first = log.since(log.epoch(), 0);
        assertThat(first.reset()).isFalse();
        assertThat(first.changes()).extracting(ChangeLog.Change::aor).containsExactly("sip:1@x", "sip:2@x");
        assertThat(first.seq()).isEqualTo(2);

        assertThat(log.since(log.epoch(), 2).changes()).as("nothing changed: nothing sent").isEmpty();
        log.remove(binding("1", 1000));
        ChangeLog.Since next = log.since(log.epoch(), 2);
        assertThat(next.changes()).singleElement().satisfies(c -> {
            assertThat(c.put()).isFalse();
            assertThat(c.aor()).isEqualTo("sip:1@x");
            assertThat(c.seq()).isEqualTo(3);
        });
    }

    @Test void anotherRunsEpochOrAGapLongerThanTheLogMeansAFullCopy() {
        ChangeLog log = new ChangeLog(3);
        for (int i = 0; i < 5; i++) log.put(binding(Integer.toString(i), 1000));
        assertThat(log.size()).isEqualTo(3);
        assertThat(log.since(log.epoch() + 1, 5).reset()).as("other epoch: the peer talked to an earlier run").isTrue();
        assertThat(log.since(log.epoch(), 1).reset()).as("changes 2 is gone from the log").isTrue();
        assertThat(log.since(log.epoch(), 2).reset()).as("3..5 are all still held").isFalse();
        assertThat(log.since(log.epoch(), 2).changes()).hasSize(3);
        assertThat(log.since(log.epoch(), 9).reset()).as("ahead of us: we restarted").isTrue();
        assertThat(log.since(-1, 0).reset()).as("first contact").isTrue();
    }
}
