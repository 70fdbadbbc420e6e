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
    void anImageWithAHeapSizeOfItsOwnKeepsIt() {
        assertThat(ProcessRuntime.ownedByImage("-Xms1024m", java.util.List.of("-Xmx512m")))
                .as("-Xms1g with -Xmx512m would stop the JVM from starting").isTrue();
        assertThat(ProcessRuntime.ownedByImage("-Xms1024m", java.util.List.of("-Xms2g"))).isTrue();
        assertThat(ProcessRuntime.ownedByImage("-Xms1024m", java.util.List.of("-Xmn300m"))).isFalse();
        assertThat(ProcessRuntime.ownedByImage("-Xmn60m", java.util.List.of("-Xmn300m"))).isTrue();
        assertThat(ProcessRuntime.ownedByImage("-XX:MaxTenuringThreshold=0", java.util.List.of("-XX:MaxTenuringThreshold=15")))
                .isTrue();
        assertThat(ProcessRuntime.ownedByImage("-XX:MaxTenuringThreshold=0", java.util.List.of("-Xmx512m"))).isFalse();
        // a collector of the image's replaces ours (two would stop the JVM starting); other flags do not
        assertThat(ProcessRuntime.ownedByImage("-XX:+UseG1GC", java.util.List.of("-XX:+UseZGC"))).isTrue();
        assertThat(ProcessRuntime.ownedByImage("-XX:+UseG1GC", java.util.List.of("-Xmx2g", "-XX:+UseCompactObjectHeaders")))
                .isFalse();
        // a boolean option is owned by the image's own setting of it, either way, and by nothing else
        assertThat(ProcessRuntime.ownedByImage("-XX:+AlwaysPreTouch", java.util.List.of("-XX:-AlwaysPreTouch"))).isTrue();
        assertThat(ProcessRuntime.ownedByImage("-XX:+AlwaysPreTouch", java.util.List.of("-XX:+UseCompactObjectHeaders")))
                .isFalse();
    }

    @Test
    void theNodeFlagsKeepTheYoungGenerationSettings() {
        assertThat(ProcessRuntime.NODE_GC).startsWith("-XX:+UseG1GC", "-Xmn60m", "-XX:MaxTenuringThreshold=0");
    }
}
