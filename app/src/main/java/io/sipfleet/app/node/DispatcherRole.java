package io.sipfleet.app.node;

import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherConfigException;
import io.sipfleet.dispatching.DispatcherConfigWatcher;
import io.sipfleet.dispatching.DispatcherNode;
import io.sipfleet.switching.config.HangupSignal;
import io.sipfleet.switching.config.Subscription;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sipfleet node --role dispatcher --config FILE}: one dispatcher; the file is reloaded when
 * it changes and on SIGHUP (routing changes apply while calls go on, see DispatcherNode#reload).
 */
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
        DispatcherConfigWatcher watcher = DispatcherConfigWatcher.start(configFile, node, Duration.ofSeconds(1));
        // The process's one SIGHUP handler (shared with the switch's reload and CDR reopen).
        Subscription hangup = HangupSignal.onHangup("reload " + configFile.toAbsolutePath(), watcher::reload);
        log.info("dispatcher {} running; edit {} or send SIGHUP to reload; SIGTERM or Ctrl-C stops it", config.serverId(),
                configFile.toAbsolutePath());
        return UntilSignalled.run(() -> {
            hangup.close();
            watcher.close();
            node.close();
        }, "dispatcher " + config.serverId());
    }
}
