package io.sipfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessRuntimeTest {
    private static final long GB = 1024L * 1024 * 1024;

    @Test
    void aNodeGetsA1GbInitialHeapOrAnEighthOfSmallerMachinesAndNoneOnTinyOnes() {
        assertThat(ProcessRuntime.initialHeap(24 * GB)).isEqualTo("-Xms1024m");
        assertThat(ProcessRuntime.initialHeap(8 * GB)).isEqualTo("-Xms1024m");
        assertThat(ProcessRuntime.initialHeap(6 * GB)).as("an eighth: below the default -Xmx of a quarter")
                .isEqualTo("-Xms768m");
        assertThat(ProcessRuntime.initialHeap(4 * GB)).isEqualTo("-Xms512m");
        assertThat(ProcessRuntime.initialHeap(2 * GB)).as("the JVM's own sizing on small machines").isNull();
        assertThat(ProcessRuntime.initialHeap(0)).as("memory unknown").isNull();
    }

    @Test
    void theNodeFlagsKeepTheYoungGenerationSettings() {
        assertThat(ProcessRuntime.NODE_GC).startsWith("-Xmn150m", "-XX:MaxTenuringThreshold=0");
    }
}
