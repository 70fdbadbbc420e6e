package io.sipfleet.app.node;

import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sipfleet node --role echo --listen 127.0.0.2:5060} or
 * {@code sipfleet node --role switch --config switch.json} or
 * {@code sipfleet node --role dispatcher --config dispatcher.json}: one node, until SIGTERM/SIGINT.
 */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run one SIP node until SIGTERM or SIGINT.")
public final class NodeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("sipfleet");

    /** The roles a node can take. */
    public enum Role { echo, switch_, dispatcher;

        @Override public String toString() { return name().replace("_", ""); }
    }

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "Node role: ${COMPLETION-CANDIDATES}.")
    Role role;

    @Option(names = "--stateless", description = "Echo without the transaction layer (retransmissions answered anew).")
    boolean stateless;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration snapshot (JSON) of a switch (reloaded on change and on SIGHUP) or of a dispatcher (read at start).")
    java.nio.file.Path configFile;

    @Mixin NodeOptions options;

    @Override public Integer call() throws Exception {
        if (role == Role.switch_) return SwitchRole.run(configFile);
        if (role == Role.dispatcher) return DispatcherRole.run(configFile);
        EchoNode node = EchoNode.start(options.config(), stateless);
        var udp = node.server().localAddress(io.sipfleet.sip.transport.Transport.UDP);
        var bound = udp != null ? udp : node.server().localAddress(io.sipfleet.sip.transport.Transport.TCP);
        log.info("{} node running{} on {}:{} ({}); SIGTERM or Ctrl-C stops it", role,
                stateless ? " (stateless)" : "", bound.getAddress().getHostAddress(), bound.getPort(),
                options.transports);
        return UntilSignalled.run(node, role + " node");
    }
}
