package io.sipfleet.cluster.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Commands issued on a shared event loop go to Redis together, once per round of that loop,
 * instead of one socket write each. With Lettuce's default (auto-flush) every command is its own
 * {@code write} system call on the client and its own {@code read} and reply {@code write} on
 * the server; on a loaded switch one loop round reads many datagrams, each of which may issue a
 * script, and here they leave in one write, Redis reads them in one read and answers them in one
 * write.
 *
 * <p>How: the connection's auto-flush is off; after a command is dispatched from a thread that is
 * one of {@code loops}, a flush task is queued on that loop (once per round: a flag per loop,
 * touched only by its own thread), and Netty runs queued tasks right after the loop's I/O of the
 * round, so a command waits at most for the rest of the round it was issued in. A command
 * dispatched from any other thread (timers, tests, start-up) is flushed at once, as before.
 *
 * <p>With a flush window ({@code windowMicros > 0}) the flush is not queued for the end of the
 * round but scheduled that long after the first unflushed command of the loop, or done at once
 * when {@code maxBatch} commands wait: at the rates where a loop round holds one datagram (every
 * rate a 2-core node sees, cluster run 12), only a window gathers several commands into one
 * write. It costs each command at most the window in latency.
 *
 * <p>Failure modes do not change: a command rejected while disconnected fails at dispatch as
 * before ({@code REJECT_COMMANDS}), and one caught in the buffer by a disconnect fails by its
 * command timeout, which starts at dispatch.
 */
public final class LoopBatchedWrites implements InvocationHandler {
    private final Object target;
    private final StatefulConnection<?, ?> connection;
    private final EventExecutor[] loops;
    /** pending[i]: a flush is queued on loops[i]; read and written only by loops[i]'s thread. */
    private final boolean[] pending;
    /** waiting[i]: commands dispatched on loops[i] since its last flush; loops[i]'s thread only. */
    private final int[] waiting;
    private final Runnable[] flushes;
    private final long windowMicros;
    private final int maxBatch;

    private LoopBatchedWrites(Object target, StatefulConnection<?, ?> connection, EventExecutorGroup loops,
                              long windowMicros, int maxBatch) {
        this.target = target;
        this.connection = connection;
        this.windowMicros = windowMicros;
        this.maxBatch = maxBatch;
        List<EventExecutor> list = new ArrayList<>();
        for (EventExecutor e : loops) list.add(e);
        this.loops = list.toArray(EventExecutor[]::new);
        this.pending = new boolean[this.loops.length];
        this.waiting = new int[this.loops.length];
        this.flushes = new Runnable[this.loops.length];
        for (int i = 0; i < flushes.length; i++) {
            int loop = i;
            flushes[i] = () -> {
                pending[loop] = false;
                if (waiting[loop] == 0) return; // flushed early at maxBatch, nothing since
                waiting[loop] = 0;
                connection.flushCommands();
            };
        }
    }

    /**
     * Turns auto-flush off on {@code connection} and returns {@code commands} (its scripting
     * commands) with writes batched per round of {@code loops}. Every command must then go
     * through the returned object.
     */
    public static <K, V> RedisScriptingAsyncCommands<K, V> wrap(RedisScriptingAsyncCommands<K, V> commands,
                                                              StatefulConnection<K, V> connection,
                                                              EventExecutorGroup loops) {
        return wrap(commands, connection, loops, 0, Integer.MAX_VALUE);
    }

    /**
     * {@link #wrap(RedisScriptingAsyncCommands, StatefulConnection, EventExecutorGroup)} with a
     * flush window: a loop's commands are written {@code windowMicros} after the first of them,
     * or as soon as {@code maxBatch} wait (0: at the end of the round).
     */
    @SuppressWarnings("unchecked")
    public static <K, V> RedisScriptingAsyncCommands<K, V> wrap(RedisScriptingAsyncCommands<K, V> commands,
                                                              StatefulConnection<K, V> connection,
                                                              EventExecutorGroup loops,
                                                              long windowMicros, int maxBatch) {
        if (windowMicros < 0) throw new IllegalArgumentException("flush window must be >= 0: " + windowMicros);
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1: " + maxBatch);
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(loops, "loops");
        LoopBatchedWrites handler = new LoopBatchedWrites(commands, connection, loops, windowMicros, maxBatch);
        connection.setAutoFlushCommands(false);
        return (RedisScriptingAsyncCommands<K, V>) Proxy.newProxyInstance(LoopBatchedWrites.class.getClassLoader(),
                new Class<?>[] {RedisScriptingAsyncCommands.class}, handler);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "LoopBatchedWrites[" + target + "]";
            };
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            dispatched();
        }
    }

    private void dispatched() {
        for (int i = 0; i < loops.length; i++) {
            if (!loops[i].inEventLoop()) continue;
            if (++waiting[i] >= maxBatch) {
                waiting[i] = 0; // the queued flush, if any, finds nothing and returns
                connection.flushCommands();
                return;
            }
            if (pending[i]) return;
            try {
                if (windowMicros == 0) loops[i].execute(flushes[i]);
                else loops[i].schedule(flushes[i], windowMicros, TimeUnit.MICROSECONDS);
                pending[i] = true;
                return;
            } catch (RejectedExecutionException e) {
                break; // the loop is shutting down: flush here
            }
        }
        connection.flushCommands();
    }
}
