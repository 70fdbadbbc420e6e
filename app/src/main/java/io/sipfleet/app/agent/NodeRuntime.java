package io.sipfleet.app.agent;

import java.nio.file.Path;
import java.time.Duration;

/** How an agent runs a node: as a child OS process (production) or inside its own JVM ({@code sipfleet up}). */
public interface NodeRuntime extends AutoCloseable {

    /** Starts node {@code name} ({@code role} switch|dispatcher) from {@code config}, logging under {@code dir}. */
    Running start(String name, String role, Path config, Image image, Path dir) throws Exception;

    /** A started node. */
    interface Running {
        long pid();

        boolean alive();

        /** Graceful stop (SIGTERM: the node closes its listeners and exits), forced after {@code grace}. */
        void stop(Duration grace);

        /** Hard stop at once (SIGKILL): the power switch. */
        void kill();

        /** Why it is not running any more (exit code, last log line), or null while alive. */
        String exitDetail();
    }

    @Override
    default void close() {
    }
}
