package io.sipfleet.app.node;

import io.sipfleet.app.up.ControlPlaneFleet;
import io.sipfleet.control.server.AddressPool;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sipfleet up}: the control plane on http://127.0.0.1:8080 with its embedded database, a
 * local agent, and a demo account whose fleet (dispatcher + two clustered switches) is deployed
 * through the control plane's API (see {@link ControlPlaneFleet}); until SIGTERM or SIGINT.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the control plane, a local agent and a demo fleet (a dispatcher in front of two clustered "
                + "switches, deployed through the control plane) until SIGTERM or SIGINT.")
public final class UpCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "control plane HTTP port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "control plane address (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--db", paramLabel = "URL",
            description = "database (default: an embedded H2 file $XDG_DATA_HOME/sipfleet/up, ~/.local/share/sipfleet/up)")
    String db;

    @Option(names = "--redis", paramLabel = "URI",
            description = "run the nodes as separate processes sharing this Redis (e.g. redis://127.0.0.1:6379) "
                    + "instead of inside this JVM")
    String redis;

    @Option(names = "--address-pool", paramLabel = "RANGE", defaultValue = "127.0.0.2-254",
            description = "addresses given to the servers (default ${DEFAULT-VALUE})")
    String addressPool;

    @Option(names = "--agent-dir", paramLabel = "DIR", defaultValue = ".sipfleet/agent",
            description = "where the local agent installs the nodes (default ${DEFAULT-VALUE})")
    Path agentDir;

    @Override public Integer call() throws Exception {
        Path data = io.sipfleet.app.control.ControlCommand.defaultDataDir();
        String url = db != null ? db : "jdbc:h2:file:" + data.resolve("up").toAbsolutePath();
        ControlPlaneFleet fleet = ControlPlaneFleet.start(new ControlPlaneFleet.Settings(host, port, url, redis,
                AddressPool.parse(addressPool), agentDir, ControlPlaneFleet.defaultCredentials(),
                data.resolve("up-secret.key")));
        fleet.describe(spec.commandLine().getOut());
        return UntilSignalled.run(fleet, "fleet");
    }
}
