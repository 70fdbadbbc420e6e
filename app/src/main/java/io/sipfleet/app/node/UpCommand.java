package io.sipfleet.app.node;

import io.sipfleet.cluster.ClusterState;
import io.sipfleet.switching.SwitchNode;
import io.sipfleet.switching.config.SwitchConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sipfleet up}: runs the fleet on the embedded default, nothing to install. For now the
 * fleet is one switch ("switch-1") on 127.0.0.2:5060 (UDP and TCP) with the example users
 * 1001..1003 (passwords secret1001..secret1003, realm sipfleet.local), metrics on
 * http://127.0.0.2:9090/metrics and CDRs in .sipfleet/; the dispatcher, a second clustered
 * switch, the media relay and the control plane join as they are built.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the fleet on the embedded default (for now: one switch on 127.0.0.2:5060) until SIGTERM or SIGINT.")
public final class UpCommand implements Callable<Integer> {
    static final String DEFAULT_SWITCH = "/io/sipfleet/app/up/switch-1.json";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        SwitchConfig config;
        try (InputStream in = UpCommand.class.getResourceAsStream(DEFAULT_SWITCH)) {
            config = SwitchConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Files.createDirectories(Path.of(".sipfleet"));
        SwitchNode node = SwitchNode.start(config, ClusterState.inMemory(Clock.systemUTC()), Clock.systemUTC());
        var out = spec.commandLine().getOut();
        out.println("started switch " + config.serverId() + ": sip:127.0.0.2:5060 (udp, tcp), realm " + config.realm()
                + ", users 1001..1003 (password secret<user>), metrics http://" + node.metricsServer().address().getHostString()
                + ":" + node.metricsServer().address().getPort() + "/metrics, CDRs " + config.cdrFile());
        out.flush();
        return UntilSignalled.run(node, "fleet");
    }
}
