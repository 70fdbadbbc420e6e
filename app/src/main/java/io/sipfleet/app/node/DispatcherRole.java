package io.sipfleet.app.node;

import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherConfigException;
import io.sipfleet.dispatching.DispatcherNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code sipfleet node --role dispatcher --config FILE}: one dispatcher (snapshot read at start). */
final class DispatcherRole {
    private static final Logger log = LoggerFactory.getLogger("sipfleet");

    private DispatcherRole() {}

    static int run(Path configFile) {
        if (configFile == null) {
            System.err.println("sipfleet: --role dispatcher needs --config FILE (see examples/dispatcher.json)");
            return 2;
        }
        if (!Files.isReadable(configFile)) {
            System.err.println("sipfleet: cannot read " + configFile.toAbsolutePath());
            return 2;
        }
        DispatcherConfig config;
        try {
            config = DispatcherConfig.load(configFile);
        } catch (DispatcherConfigException e) {
            System.err.println("sipfleet: bad configuration: " + e.getMessage());
            return 2;
        }
        DispatcherNode node = DispatcherNode.start(config);
        log.info("dispatcher {} running; SIGTERM or Ctrl-C stops it", config.serverId());
        return UntilSignalled.run(node, "dispatcher " + config.serverId());
    }
}
