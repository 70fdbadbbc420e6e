package io.sipfleet.app.agent;

import io.sipfleet.cluster.ClusterState;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherConfigWatcher;
import io.sipfleet.dispatching.DispatcherNode;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.ConfigFileWatcher;
import io.sipfleet.switching.config.SwitchConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nodes inside the agent's JVM ({@code sipfleet up} with nothing installed): switches of one
 * cluster share one in-memory {@link ClusterState}, as they would share Redis. The config file
 * is watched as a process would watch it. There is no process to kill: a power cycle closes the
 * node at once without draining, the closest a JVM can get to pulling the plug on part of itself.
 */
public final class InProcessRuntime implements NodeRuntime {

    private final Map<String, ClusterState> clusters = new ConcurrentHashMap<>();

    @Override
    public Running start(String name, String role, Path config, Image image, Path dir) throws Exception {
        if (role.equals("dispatcher")) {
            DispatcherNode node = DispatcherNode.start(DispatcherConfig.load(config));
            DispatcherConfigWatcher watcher = DispatcherConfigWatcher.start(config, node, Duration.ofSeconds(1));
            return new InJvm(() -> {
                watcher.close();
                node.close();
            });
        }
        SwitchConfig c = SwitchConfig.load(config);
        ClusterState state = c.clusterId() == null ? ClusterState.inMemory(Clock.systemUTC())
                : clusters.computeIfAbsent(c.clusterId(), id -> ClusterState.inMemory(Clock.systemUTC()));
        SwitchNode node = SwitchNode.start(c, state, Clock.systemUTC());
        ConfigFileWatcher watcher = ConfigFileWatcher.start(config, node.configHolder(), Duration.ofSeconds(1), false);
        return new InJvm(() -> {
            watcher.close();
            node.close();
        });
    }

    private static final class InJvm implements Running {
        private final Runnable close;
        private volatile boolean alive = true;

        InJvm(Runnable close) {
            this.close = close;
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public boolean alive() {
            return alive;
        }

        @Override
        public synchronized void stop(Duration grace) {
            if (alive) {
                alive = false;
                close.run();
            }
        }

        @Override
        public void kill() {
            stop(Duration.ZERO);
        }

        @Override
        public String exitDetail() {
            return alive ? null : "closed";
        }
    }
}
