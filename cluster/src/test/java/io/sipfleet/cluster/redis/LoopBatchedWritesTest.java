package io.sipfleet.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Commands issued on one of the loops wait for the flush window (or a full batch) and then all go;
 * commands from any other thread go at once, whatever the window.
 */
class LoopBatchedWritesTest {
    static RedisTestSupport redis;
    static DefaultEventLoopGroup loops;

    @BeforeAll
    static void open() {
        redis = RedisTestSupport.open();
        loops = new DefaultEventLoopGroup(2);
    }

    @AfterAll
    static void close() {
        if (loops != null) loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (redis != null) redis.close();
    }

    private static RedisScriptingAsyncCommands<String, String> batched(long windowMicros, int maxBatch) {
        RedisAsyncCommands<String, String> c = redis.newConnection();
        return LoopBatchedWrites.wrap(c, c.getStatefulConnection(), loops, windowMicros, maxBatch);
    }

    /** {@code n} one-line scripts issued together from a task on {@code loop}. */
    private static List<CompletableFuture<Long>> issueOn(EventLoop loop, RedisScriptingAsyncCommands<String, String> r, int n) {
        List<CompletableFuture<Long>> out = new ArrayList<>();
        loop.submit(() -> {
            for (int i = 0; i < n; i++) {
                out.add(r.<Long>eval("return " + i, ScriptOutputType.INTEGER).toCompletableFuture());
            }
        }).syncUninterruptibly();
        return out;
    }

    @Test
    void commandsOnALoopWaitForTheWindowThenAllGo() throws Exception {
        var r = batched(300_000, 64); // 300 ms: long enough to see them wait
        long start = System.nanoTime();
        List<CompletableFuture<Long>> sent = issueOn(loops.next(), r, 5);
        Thread.sleep(100);
        assertThat(sent).noneMatch(CompletableFuture::isDone);
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(3, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(250);
        assertThat(sent).extracting(CompletableFuture::join).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aFullBatchGoesAtOnce() throws Exception {
        var r = batched(10_000_000, 4); // a 10 s window: only the batch size can send them
        List<CompletableFuture<Long>> sent = issueOn(loops.next(), r, 8);
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        assertThat(sent).hasSize(8).allSatisfy(f -> assertThat(f).isCompleted());
    }

    @Test
    void commandsFromOtherThreadsGoAtOnce() throws Exception {
        var r = batched(10_000_000, 64);
        assertThat(r.<Long>eval("return 7", ScriptOutputType.INTEGER).toCompletableFuture().get(2, TimeUnit.SECONDS))
                .isEqualTo(7L);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        RedisAsyncCommands<String, String> c = redis.newConnection();
        assertThatThrownBy(() -> LoopBatchedWrites.wrap(c, c.getStatefulConnection(), loops, -1, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flush window");
        assertThatThrownBy(() -> LoopBatchedWrites.wrap(c, c.getStatefulConnection(), loops, 1000, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max batch");
    }
}
