package io.sipfleet.cluster;

import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.RegisterRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterStateTest {

    @Test
    void inMemorySetRunsOnOneClockAndSweepsAllThree() {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        ClusterState state = ClusterState.inMemory(clock, Duration.ofSeconds(30));

        RegisterRequest reg = new RegisterRequest("cid", 1, false, List.of(ContactUpdate.of("sip:a@h", 10)),
                Flow.udp("203.0.113.7", 5060, "10.0.0.1", 5060), null, "switch-a", null, 0, clock.millis());
        assertThat(state.location().register("sip:a@example.net", reg).toCompletableFuture().join().isOk()).isTrue();
        assertThat(state.cps().tryAcquire("trunk", 1).toCompletableFuture().join()).isTrue();
        assertThat(state.cps().tryAcquire("trunk", 1).toCompletableFuture().join()).isFalse();
        assertThat(state.channels().tryAcquire("trunk", "call-1", 1).toCompletableFuture().join()).isTrue();

        clock.advance(30_000);
        // One binding expired, one idle CPS scope, one unrefreshed lease.
        assertThat(state.sweep().toCompletableFuture().join()).isEqualTo(3);
        assertThat(state.location().count().toCompletableFuture().join()).isZero();
        assertThat(state.channels().count("trunk").toCompletableFuture().join()).isZero();
        assertThat(state.cps().tryAcquire("trunk", 1).toCompletableFuture().join()).isTrue();
    }
}
