package io.sipfleet.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.sipfleet.cluster.limits.RedisCallAdmission;
import io.sipfleet.cluster.limits.RedisChannelCounter;
import io.sipfleet.cluster.limits.RedisCpsLimiter;
import io.sipfleet.cluster.location.RedisLocationStore;
import io.sipfleet.cluster.redis.LoopBatchedWrites;
import io.sipfleet.cluster.redis.LuaScript;
import io.sipfleet.cluster.redis.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.net.SocketAddress;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;

/**
 * The {@link ClusterState} of a fleet, on Redis: {@link RedisLocationStore}, {@link RedisCpsLimiter}
 * and {@link RedisChannelCounter} over one shared connection, every key under
 * {@code sf:{<clusterId>}:} (see {@link RedisKeys}). One per process, created at start from the
 * switch's {@code storeUri} and {@code clusterId}, closed at shutdown after the switch.
 *
 * <h2>Failure behaviour</h2>
 * <ul>
 *   <li>{@link #connect} fails (throws) when Redis cannot be reached within
 *       {@link #CONNECT_TIMEOUT}, and when the scripts cannot be loaded: a switch does not start
 *       without its store.</li>
 *   <li>Once connected, every command has a {@link #COMMAND_TIMEOUT} deadline and, while the
 *       connection is down, commands are rejected at once ({@code REJECT_COMMANDS}) rather than
 *       queued: the stages fail fast, and the switch answers as its interfaces say (500 to a
 *       REGISTER, 480 for a failed lookup, refuse the call for a failed limit check) instead of
 *       piling up work.</li>
 *   <li>Lettuce reconnects by itself, retrying with exponential back-off capped at
 *       {@link #MAX_RECONNECT_DELAY}; scripts missing on the server it comes back to (restart,
 *       failover) are sent again by {@code EVAL} on the {@code NOSCRIPT} answer.</li>
 *   <li>Commands in flight when the connection drops are not replayed after the reconnect: their
 *       stages fail by timeout. A failed stage therefore means "may or may not have happened, and
 *       will not happen later", which every script tolerates (a REGISTER retried by the UA with a
 *       new CSeq, a CPS admission counted against the limit, a channel lease that expires by TTL).</li>
 * </ul>
 *
 * <h2>Deployments</h2>
 * {@code storeUri} is one of:
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]} ({@code rediss://} for TLS): a standalone
 *       server;</li>
 *   <li>{@code redis-sentinel://host1:26379,host2:26379/0#mymaster}: Lettuce asks the Sentinels
 *       for the master, and again on every reconnect, so a failover is followed by itself
 *       ({@code RedisSentinelModeTest}: master killed, writes accepted by the promoted replica
 *       about 3 s later with Sentinel's down-after of 1 s);</li>
 *   <li>{@code redis-cluster://[user:password@]host:port[,host:port...]} ({@code rediss-cluster://}
 *       for TLS): a Redis Cluster, by seed nodes, through Lettuce's {@code RedisClusterClient}.
 *       The {@code {clusterId}} hash tag puts every key of a cluster, and so every script, on one
 *       slot: the scripts also touch keys they compute (an AoR's hash named in an index), which
 *       Redis Cluster accepts within the slot of the declared keys, and a command is routed by its
 *       first key. Topology changes (failover, resharding) are followed on MOVED/ASK and
 *       reconnects. Tested against a three-master cluster ({@code RedisClusterModeTest}).</li>
 * </ul>
 */
public final class RedisClusterState implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisClusterState.class);

    /** Deadline of every command: a REGISTER or INVITE waits at most this long for the store. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** TCP connect deadline, at start and for each reconnect attempt. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Reconnect attempts back off exponentially from 10 ms up to this. */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

    private final String clusterId;
    private final ClientResources resources;
    private final RedisChannelCounter channels;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisScriptingAsyncCommands<String, String> commands;
    private final ClusterState state;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicLong downSinceNanos = new AtomicLong();
    private final List<Consumer<Boolean>> healthListeners = new CopyOnWriteArrayList<>();
    private final StoreHealth health = new StoreHealth() {
        @Override public boolean connected() { return isConnected(); }
        @Override public void onChange(Consumer<Boolean> listener) { healthListeners.add(Objects.requireNonNull(listener)); }
        @Override public String toString() { return "RedisClusterState[" + RedisClusterState.this.clusterId + "].health"; }
    };

    private RedisClusterState(String clusterId, ClientResources resources, AbstractRedisClient client,
                              StatefulConnection<String, String> connection, RedisScriptingAsyncCommands<String, String> redis,
                              Duration leaseTtl, java.util.concurrent.ScheduledExecutorService flusher) {
        this.clusterId = clusterId;
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = redis;
        // Channel releases are batched: they ride on the next admission (one script for CPS + lease)
        // or go together at most a few ms later, on the SIP loops when they are shared.
        this.channels = new RedisChannelCounter(redis, clusterId, leaseTtl, flusher);
        RedisLocationStore location = locationStore(redis, clusterId, flusher);
        // The admission also reads a callee's bindings: a call to a subscriber is one round trip.
        this.state = new ClusterState(location, new RedisCpsLimiter(redis, clusterId),
                channels, health, new RedisCallAdmission(channels, location));
        client.addListener(new RedisConnectionStateListener() {
            @Override public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) { changed(true); }
            @Override public void onRedisDisconnected(RedisChannelHandler<?, ?> c) { changed(false); }
        });
    }

    /** {@link #connect(String, String, Duration)} with {@link ClusterState#DEFAULT_CHANNEL_LEASE_TTL}. */
    public static RedisClusterState connect(String storeUri, String clusterId) {
        return connect(storeUri, clusterId, ClusterState.DEFAULT_CHANNEL_LEASE_TTL);
    }

    /**
     * Connects to {@code storeUri}, loads the scripts, and returns the cluster's state. Blocks for
     * at most about {@link #CONNECT_TIMEOUT} plus one command timeout (the only blocking call
     * here; the stores never block).
     *
     * @param leaseTtl channel lease TTL of this member (see {@link ClusterState#DEFAULT_CHANNEL_LEASE_TTL})
     * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached
     * @throws IllegalArgumentException for a malformed URI or cluster id
     */
    public static RedisClusterState connect(String storeUri, String clusterId, Duration leaseTtl) {
        return connect(storeUri, clusterId, leaseTtl, null);
    }

    /**
     * {@link #connect(String, String, Duration)} with the client's I/O on {@code ioLoops} (when not
     * null): the node's SIP event loops, so a reply completes on a SIP loop and the answer it
     * unblocks is sent from there without another thread hop (see
     * {@code io.sipfleet.sip.transport.SipEventLoops}). The group is borrowed: closing this state
     * does not shut it down.
     */
    public static RedisClusterState connect(String storeUri, String clusterId, Duration leaseTtl,
                                            EventLoopGroup ioLoops) {
        Objects.requireNonNull(storeUri, "storeUri");
        RedisKeys.checkClusterId(clusterId);
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (leaseTtl.toMillis() <= 0) throw new IllegalArgumentException("lease TTL must be positive: " + leaseTtl);
        ClientResources resources = ioLoops == null ? clientResources() : clientResources(ioLoops);
        AbstractRedisClient client = null;
        try {
            RedisClusterState state;
            String where;
            if (isRedisCluster(storeUri)) {
                List<RedisURI> seeds = clusterSeeds(storeUri);
                RedisClusterClient cc = RedisClusterClient.create(resources, seeds);
                client = cc;
                cc.setOptions(clusterClientOptions());
                StatefulRedisClusterConnection<String, String> c = cc.connect(StringCodec.UTF8);
                state = new RedisClusterState(clusterId, resources, cc, c, batched(c.async(), c, ioLoops), leaseTtl,
                        ioLoops != null ? ioLoops : resources.eventExecutorGroup());
                where = "Redis Cluster " + seeds;
            } else {
                RedisURI uri = RedisURI.create(storeUri);
                uri.setTimeout(COMMAND_TIMEOUT);
                RedisClient rc = RedisClient.create(resources, uri);
                client = rc;
                rc.setOptions(clientOptions());
                StatefulRedisConnection<String, String> c = rc.connect(StringCodec.UTF8);
                state = new RedisClusterState(clusterId, resources, rc, c, batched(c.async(), c, ioLoops), leaseTtl,
                        ioLoops != null ? ioLoops : resources.eventExecutorGroup());
                where = uri.toString();
            }
            state.loadScripts();
            log.info("cluster state of {} on {} ({})", clusterId, where, state.keyPrefix());
            return state;
        } catch (RuntimeException e) {
            if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * On shared loops, the commands a loop issues are written together, {@value #FLUSH_WINDOW_MICROS}
     * µs after the first of them ({@code -Dsipfleet.redis.flushWindowMicros}; 0: at the end of the
     * loop's round) or at once when {@code -Dsipfleet.redis.maxBatch} (64) wait; see
     * {@link LoopBatchedWrites}. {@code -Dsipfleet.redis.batchWrites=false} writes each at once.
     * Why a window and not the round: at the rates a 2-core node sees, a round holds one datagram,
     * so per-round batching batched nothing (cluster run 3 in bench/RESULTS.md: worse); with a 1 ms
     * window, calls (then two commands each: lookup, admission) cost the member 224 instead of
     * 257-266 µs and Redis 64 instead of 79 µs at 2 000 calls/s (the call A/B of 2026-12-07). A
     * call is one command now ({@code admit-callee.lua}), so it waits at most 1 ms more.
     */
    static final long FLUSH_WINDOW_MICROS = 1_000;

    private static RedisScriptingAsyncCommands<String, String> batched(RedisScriptingAsyncCommands<String, String> commands,
                                                                       StatefulConnection<String, String> connection,
                                                                       EventLoopGroup ioLoops) {
        if (ioLoops == null || !Boolean.parseBoolean(System.getProperty("sipfleet.redis.batchWrites", "true"))) {
            return commands;
        }
        return LoopBatchedWrites.wrap(commands, connection, ioLoops,
                Long.getLong("sipfleet.redis.flushWindowMicros", FLUSH_WINDOW_MICROS),
                Integer.getInteger("sipfleet.redis.maxBatch", 64));
    }

    /**
     * REGISTERs go to Redis in batches ({@link RedisLocationStore}), each waiting at most
     * {@value #REGISTER_WINDOW_MICROS} µs for others ({@code -Dsipfleet.redis.registerWindowMicros};
     * 0 sends each at once), at most {@code -Dsipfleet.redis.registerBatch} (32) per call. In the
     * cluster benchmark (bench/RESULTS.md, "Batched REGISTERs") the window took Redis from 37 to 22 µs
     * of CPU per REGISTER pair and the member from 55-65 to 49-55 µs. The batch's one command then
     * waits for the write window like any other ({@link #FLUSH_WINDOW_MICROS}), so a REGISTER's
     * answer comes at most 2 ms later than unbatched: nothing to a phone.
     */
    static final long REGISTER_WINDOW_MICROS = 1_000;

    private static RedisLocationStore locationStore(RedisScriptingAsyncCommands<String, String> redis, String clusterId,
                                                    java.util.concurrent.ScheduledExecutorService flusher) {
        long window = Long.getLong("sipfleet.redis.registerWindowMicros", REGISTER_WINDOW_MICROS);
        if (window <= 0) return new RedisLocationStore(redis, clusterId);
        return new RedisLocationStore(redis, clusterId, flusher, window, Integer.getInteger("sipfleet.redis.registerBatch", 32));
    }

    /** {@code redis-cluster://} or {@code rediss-cluster://}: a Redis Cluster, by seed nodes. */
    public static boolean isRedisCluster(String storeUri) {
        String lower = storeUri.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://");
    }

    /**
     * The seed nodes of {@code redis-cluster://[user:password@]host:port[,host:port...]} as
     * standalone URIs ({@code rediss-cluster} for TLS). The client learns the rest of the
     * cluster's topology from any of them.
     *
     * @throws IllegalArgumentException when no seed parses
     */
    public static List<RedisURI> clusterSeeds(String storeUri) {
        boolean tls = storeUri.toLowerCase(java.util.Locale.ROOT).startsWith("rediss-");
        String rest = storeUri.substring(storeUri.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        if (slash >= 0) rest = rest.substring(0, slash);
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        List<RedisURI> out = new ArrayList<>();
        for (String hostPort : rest.split(",")) {
            if (hostPort.isBlank()) continue;
            RedisURI u = RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + hostPort.strip());
            u.setTimeout(COMMAND_TIMEOUT);
            out.add(u);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no seed node in " + storeUri);
        return out;
    }

    /**
     * {@link #clientOptions()} for a Redis Cluster, plus topology refresh on MOVED/ASK redirects
     * and reconnects, so a failover or a resharding is followed without a restart.
     */
    public static ClusterClientOptions clusterClientOptions() {
        ClusterClientOptions.Builder b = ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build());
        b.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .replayFilter(command -> true)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build());
        return b.build();
    }

    /**
     * The client options {@link #connect} uses (public so tools and tests open connections that
     * behave the same): fixed command timeout, rejection while disconnected, auto-reconnect
     * without replaying in-flight commands.
     */
    public static ClientOptions clientOptions() {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .replayFilter(command -> true)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build();
    }

    /** Client resources with the reconnect back-off of {@link #connect} (the caller shuts them down). */
    public static ClientResources clientResources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /** {@link #clientResources()} doing its I/O on {@code ioLoops}, which it never shuts down. */
    public static ClientResources clientResources(EventLoopGroup ioLoops) {
        return DefaultClientResources.builder()
                .eventLoopGroupProvider(new BorrowedEventLoops(ioLoops))
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * Lettuce asks its provider for an event loop group of the transport's class and releases it
     * at shutdown: here it always gets the borrowed group, and release/shutdown leave it running.
     */
    private record BorrowedEventLoops(EventLoopGroup group) implements EventLoopGroupProvider {
        @Override @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            if (!type.isInstance(group)) {
                throw new IllegalStateException("Lettuce wants a " + type.getName() + ", the shared loops are a "
                        + group.getClass().getName());
            }
            return (T) group;
        }

        @Override public int threadPoolSize() {
            int n = 0;
            for (var ignored : group) n++;
            return n;
        }

        @Override public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout,
                                                 TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }

        @Override public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }
    }

    /** All scripts of the three stores. */
    public static List<LuaScript> scripts() {
        List<LuaScript> all = new ArrayList<>(RedisLocationStore.scripts());
        all.addAll(RedisCpsLimiter.scripts());
        all.addAll(RedisChannelCounter.scripts());
        all.addAll(RedisCallAdmission.scripts());
        return List.copyOf(all);
    }

    private void loadScripts() {
        RedisScriptingAsyncCommands<String, String> redis = commands;
        List<CompletableFuture<String>> loads = new ArrayList<>();
        for (LuaScript s : scripts()) loads.add(s.preload(redis).toCompletableFuture());
        try {
            CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new))
                    .get(COMMAND_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("loading the cluster state's scripts failed: " + LuaScript.unwrap(e.getCause()),
                    LuaScript.unwrap(e.getCause()));
        } catch (TimeoutException e) {
            throw new IllegalStateException("loading the cluster state's scripts timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the cluster state's scripts", e);
        }
    }

    /** The location store, CPS limiter and channel counter of this cluster. */
    public ClusterState state() { return state; }

    public String clusterId() { return clusterId; }

    /** {@code sf:{<clusterId>}:}, the prefix of every key of this cluster. */
    public String keyPrefix() { return new RedisKeys(clusterId).prefix(); }

    /** Whether the connection is up now (it reconnects by itself; for health checks and metrics). */
    public boolean isConnected() { return !closed.get() && connection.isOpen(); }

    /** The connection went (false) or came back (true): logged once per change, then the listeners. */
    private void changed(boolean nowUp) {
        if (closed.get() || up.getAndSet(nowUp) == nowUp) return;
        if (nowUp) {
            long down = System.nanoTime() - downSinceNanos.get();
            log.info("cluster {}: store reconnected after {} ms", clusterId, down / 1_000_000);
        } else {
            downSinceNanos.set(System.nanoTime());
            log.warn("cluster {}: store connection lost; reconnecting (back-off up to {} ms)", clusterId,
                    MAX_RECONNECT_DELAY.toMillis());
        }
        for (Consumer<Boolean> l : healthListeners) {
            try {
                l.accept(nowUp);
            } catch (RuntimeException e) {
                log.warn("cluster {}: store health listener failed", clusterId, e);
            }
        }
    }

    /**
     * Closes the connection and the client's threads. Stages still pending fail. Idempotent.
     * Waits up to about a second for the client's threads to stop.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            // Releases still queued (calls ended by the shutdown) go first, if the store answers soon.
            channels.flushAll().get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("cluster {}: queued channel releases not flushed at close ({}); their leases expire", clusterId,
                    LuaScript.unwrap(e));
        }
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    @Override public String toString() { return "RedisClusterState[" + clusterId + "]"; }
}
