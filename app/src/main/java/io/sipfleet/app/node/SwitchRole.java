package io.sipfleet.app.node;

import io.sipfleet.cluster.ClusterState;
import io.sipfleet.cluster.RedisClusterState;
import io.sipfleet.sip.transport.SipEventLoops;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.ConfigException;
import io.sipfleet.switching.config.ConfigFileWatcher;
import io.sipfleet.switching.config.SwitchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code sipfleet node --role switch --config FILE}: one switch with in-memory cluster state. */
final class SwitchRole {
    private static final Logger log = LoggerFactory.getLogger("sipfleet");

    /** Connection attempts to the cluster store at start, a second apart. */
    static final int STORE_ATTEMPTS = 5;

    private SwitchRole() {}

    static int run(Path configFile) throws Exception {
        if (configFile == null) {
            System.err.println("sipfleet: --role switch needs --config FILE (see examples/switch-single.json)");
            return 2;
        }
        if (!Files.isReadable(configFile)) {
            System.err.println("sipfleet: cannot read " + configFile.toAbsolutePath());
            return 2;
        }
        SwitchConfig config;
        try {
            config = SwitchConfig.load(configFile);
        } catch (ConfigException e) {
            System.err.println("sipfleet: bad configuration: " + e.getMessage());
            return 2;
        }
        if (config.storeUri() != null && config.storeUri().regionMatches(true, 0, "memory:", 0, 7)) {
            System.err.println("sipfleet: storeUri " + config.storeUri() + " is the in-memory state only `sipfleet up`"
                    + " uses (its switches share one JVM); a switch of its own needs a Redis store, e.g."
                    + " \"redis://127.0.0.1:6379\", or no clusterId/storeUri to run alone");
            return 2;
        }
        // A cluster member shares location, CPS and channels through Redis; alone, in memory.
        RedisClusterState redis = null;
        ClusterState state;
        SipEventLoops loops = null;
        if (config.storeUri() != null && config.clusterId() != null) {
            // The store client runs on the SIP event loops: a reply completes where the answer it
            // unblocks is sent, with no thread hop (see SipEventLoops). Only epoll loops can
            // carry Lettuce's epoll channels; otherwise each keeps its own.
            loops = SipEventLoops.create(true, 0, "sip-" + config.serverId());
            if (!loops.isEpoll()) {
                loops.close();
                loops = null;
            }
            // A few tries before giving up: a store restarting, or a host busy enough that the
            // first connect misses its 1 s deadline, should not keep the member down. Past
            // STORE_ATTEMPTS the member does not start: it would run without its cluster's limits.
            for (int attempt = 1; redis == null; attempt++) {
                try {
                    redis = RedisClusterState.connect(config.storeUri(), config.clusterId(),
                            java.time.Duration.ofSeconds(config.clustering().channelLeaseTtlSeconds()),
                            loops == null ? null : loops.group());
                } catch (RuntimeException e) {
                    if (attempt >= STORE_ATTEMPTS || e instanceof IllegalArgumentException) {
                        System.err.println("sipfleet: cannot reach the cluster store " + config.storeUri() + " (" + attempt
                                + " attempts): " + e.getMessage());
                        if (loops != null) loops.close();
                        return 2;
                    }
                    log.warn("switch {}: cluster store {} not reachable (attempt {} of {}): {}; retrying in 1 s",
                            config.serverId(), config.storeUri(), attempt, STORE_ATTEMPTS, e.getMessage());
                    Thread.sleep(1_000);
                }
            }
            state = redis.state();
            log.info("switch {}: cluster {} state in {}", config.serverId(), config.clusterId(), config.storeUri());
        } else {
            state = ClusterState.inMemory(Clock.systemUTC());
        }
        SwitchNode node = SwitchNode.start(config, state, Clock.systemUTC(), loops);
        ConfigFileWatcher watcher = ConfigFileWatcher.start(configFile, node.configHolder());
        log.info("switch {} running; edit {} or send SIGHUP to reload; SIGTERM or Ctrl-C stops it",
                config.serverId(), configFile.toAbsolutePath());
        RedisClusterState store = redis;
        SipEventLoops sharedLoops = loops;
        return UntilSignalled.run(() -> {
            watcher.close();
            node.close();
            if (store != null) store.close();
            if (sharedLoops != null) sharedLoops.close();
        }, "switch " + config.serverId());
    }
}
