package io.sipfleet.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.RedisClusterState;
import io.sipfleet.sip.transport.SipEventLoops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cluster member's store client on the SIP event loops (SwitchRole does this): Redis replies
 * complete on a SIP loop thread, so the answer they unblock leaves without a thread hop; and the
 * store, when closed, leaves the borrowed loops running for the listeners still on them.
 */
class SharedEventLoopsTest {

    @Test
    void redisRepliesCompleteOnTheSharedSipLoopsAndClosingTheStoreLeavesThemRunning() throws Exception {
        SipEventLoops loops = SipEventLoops.create(true, 2, "sip-shared-test");
        try {
            assertThat(loops.isEpoll()).as("this machine runs native epoll").isTrue();
            RedisClusterState redis = RedisClusterState.connect("redis://127.0.0.1:6379", "shared-loops-" + ProcessHandle.current().pid(),
                    Duration.ofSeconds(3), loops.group());
            // A continuation attached after the reply came runs on the attaching thread (main):
            // that says nothing, so look until one reply completes a continuation attached before
            // it; every such one must run on the shared SIP loops, none on a thread of Lettuce's.
            List<String> completedOn = new ArrayList<>();
            try {
                for (int i = 0; i < 50 && !completedOn.stream().anyMatch(t -> !t.equals("main")); i++) {
                    completedOn.add(redis.state().location().lookup("sip:nobody@shared.test")
                            .thenApply(bindings -> {
                                assertThat(bindings).isEmpty();
                                return Thread.currentThread().getName();
                            }).toCompletableFuture().get(5, TimeUnit.SECONDS));
                }
            } finally {
                redis.close();
            }
            List<String> offMain = completedOn.stream().filter(t -> !t.equals("main")).toList();
            assertThat(offMain).as("replies completed off the calling thread, of %s", completedOn).isNotEmpty()
                    .allSatisfy(t -> assertThat(t).startsWith("sip-shared-test"));
            CompletableFuture<String> stillRunning = new CompletableFuture<>();
            loops.group().next().execute(() -> stillRunning.complete(Thread.currentThread().getName()));
            assertThat(stillRunning.get(2, TimeUnit.SECONDS)).startsWith("sip-shared-test");
            assertThat(loops.group().isShuttingDown()).isFalse();
        } finally {
            loops.close();
        }
        assertThat(loops.group().isShutdown()).isTrue();
    }
    /**
     * Commands issued on a shared loop are written together (LoopBatchedWrites, on by default: a
     * window after the first, or at once when a batch is full): a burst of 100 issued in one task
     * (over the batch of 64), and commands issued from replies' continuations on the loop, all go
     * out and complete; one issued off the loops (here main) too, at once.
     */
    @Test
    void commandsIssuedOnTheLoopsAreWrittenTogetherAndAllComplete() throws Exception {
        SipEventLoops loops = SipEventLoops.create(true, 2, "sip-batch-test");
        try {
            RedisClusterState redis = RedisClusterState.connect("redis://127.0.0.1:6379",
                    "batch-loops-" + ProcessHandle.current().pid(), Duration.ofSeconds(3), loops.group());
            try {
                var location = redis.state().location();
                List<CompletableFuture<Integer>> all = new ArrayList<>();
                for (var loop : loops.group()) {
                    CompletableFuture<Void> one = new CompletableFuture<>();
                    loop.execute(() -> {
                        synchronized (all) {
                            for (int i = 0; i < 100; i++) {
                                // a second round trip from the first one's continuation, on the loop
                                all.add(location.lookup("sip:burst" + i + "@batch.test")
                                        .thenCompose(b -> location.lookup("sip:again@batch.test"))
                                        .thenApply(List::size).toCompletableFuture());
                            }
                        }
                        one.complete(null);
                    });
                    one.get(5, TimeUnit.SECONDS);
                }
                synchronized (all) {
                    assertThat(all).hasSize(200);
                    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
                    assertThat(all).allSatisfy(f -> assertThat(f.join()).isZero());
                }
                assertThat(location.lookup("sip:main@batch.test").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
            } finally {
                redis.close();
            }
        } finally {
            loops.close();
        }
    }
}
