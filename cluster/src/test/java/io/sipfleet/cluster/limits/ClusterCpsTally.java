package io.sipfleet.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the cluster-wide CPS tests check once the load has been offered: attempts sent by several
 * switches against one limit, tallied per switch and per second of send time. The admitted rate
 * over the offered window must be the limit within 2 %, every switch must have had some, and no
 * second (by send time, not Redis time) may hold more than the limit and two.
 */
final class ClusterCpsTally {
    private ClusterCpsTally() {}

    /** One attempt: the switch that sent it, when (ms after the start), and the limiter's answer. */
    record Attempt(int node, long offsetMillis, CompletableFuture<Boolean> admitted) {}

    /** Asserts the above and returns how many attempts were admitted. */
    static int assertClusterRate(List<Attempt> attempts, int nodes, int seconds, int limit, int perNodeRate,
                                 long offeredForMillis) throws Exception {
        int[] perNode = new int[nodes];
        int[] perSecond = new int[seconds + 1];
        List<Long> admittedAt = new ArrayList<>();
        for (Attempt a : attempts) {
            if (!a.admitted().get(2, TimeUnit.SECONDS)) continue;
            perNode[a.node()]++;
            perSecond[(int) Math.min(seconds, a.offsetMillis() / 1000)]++;
            admittedAt.add(a.offsetMillis());
        }
        int admitted = admittedAt.size();
        // Over the seconds the load was offered for; an attempt the scheduler sent late (a pause of
        // the test JVM at the very end) would fall in the next second and is left out.
        long inWindow = admittedAt.stream().filter(t -> t < seconds * 1000L).count();
        double rate = inWindow / (double) seconds;
        long busiest = InMemoryCpsLimiterTest.busiestSecond(admittedAt.stream().mapToLong(Long::longValue).toArray());
        System.out.printf("CPS across %d limiters: offered %d in %d ms (%d/s), admitted %d = %.1f/s (limit %d/s); "
                        + "per switch %s; per second %s; busiest second by send time %d%n",
                nodes, attempts.size(), offeredForMillis, nodes * perNodeRate, admitted, rate, limit,
                java.util.Arrays.toString(perNode), java.util.Arrays.toString(perSecond), busiest);

        assertThat(attempts).hasSize(nodes * perNodeRate * seconds);
        assertThat(rate).isBetween(limit * 0.98, limit * 1.02);
        for (int n : perNode) assertThat(n).isPositive();
        // By send time (not Redis time) a second may hold one or two more, never a second burst.
        assertThat(busiest).isLessThanOrEqualTo(limit + 2);
        return admitted;
    }
}
