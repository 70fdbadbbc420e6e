package io.sipfleet.app.control;

import io.sipfleet.control.api.ControlServer;
import io.sipfleet.control.db.ControlDatabase;
import java.nio.file.Path;
import io.sipfleet.control.secret.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sipfleet control}: the control plane's REST API on its database, in the foreground until
 * SIGINT/SIGTERM. With {@code --agent-token}, host agents ({@code sipfleet agent}) register and run
 * the servers (deploy, actions, health); without it deployed servers are recorded and stay "deploying".
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Run the control plane (REST API, /openapi.json) until Ctrl-C.")
public final class ControlCommand implements Callable<Integer> {

    @Option(names = "--db", paramLabel = "URL",
            description = "jdbc:h2:file:PATH, postgresql://[user@]host[:port]/db or jdbc:postgresql://...; "
                    + "default: an embedded H2 file under $XDG_DATA_HOME/sipfleet (~/.local/share/sipfleet)")
    String db;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0 = any free)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String host;

    @Option(names = "--cluster-store", paramLabel = "URI", defaultValue = "redis://127.0.0.1:6379",
            description = "store clustered switches share, written into their snapshots (default ${DEFAULT-VALUE})")
    String clusterStore;

    @Option(names = "--agent-token", paramLabel = "TOKEN",
            description = "shared secret of the host agents (sipfleet agent --token); without it no agent can register")
    String agentToken;

    @Option(names = "--address-pool", paramLabel = "RANGE", defaultValue = "127.0.0.2-254",
            description = "addresses given to new servers (default ${DEFAULT-VALUE})")
    String addressPool;

    @Option(names = "--secret-key-file", paramLabel = "FILE",
            description = "AES-256 key sealing UAC passwords and certificate keys in the database; created if "
                    + "missing (back it up apart from the database); default: control-secret.key in the data folder")
    Path secretKeyFile;

    @Option(names = "--operator-token-file", paramLabel = "FILE",
            description = "the operator's API token (records top-ups, registers media servers); created if "
                    + "missing; default: operator-token in the data folder")
    Path operatorTokenFile;

    @Option(names = "--billing-every", paramLabel = "SECONDS", defaultValue = "60",
            description = "how often expiry and daily charges run (default ${DEFAULT-VALUE}; 0 = never)")
    long billingEverySeconds;

    @Option(names = "--demo-self-top-ups",
            description = "demo only: let accounts credit their own balance (there is no payment provider)")
    boolean demoSelfTopUps;

    @Override
    public Integer call() throws Exception {
        String url = db != null ? db : "jdbc:h2:file:" + defaultDataDir().resolve("control").toAbsolutePath();
        ControlDatabase database = ControlDatabase.open(url);
        ControlServer server;
        try {
            Path data = defaultDataDir();
            server = ControlServer.start(port, database, Clock.systemUTC(),
                    new ControlServer.Options(host, io.sipfleet.control.server.Provisioner.NONE, clusterStore,
                            agentToken == null ? null : io.sipfleet.control.agent.FleetOptions.of(
                                    io.sipfleet.control.server.AddressPool.parse(addressPool), agentToken,
                                    io.sipfleet.app.Version.sipfleet()))
                            .withSecrets(Secrets.fromFile(secretKeyFile != null ? secretKeyFile : data.resolve("control-secret.key")))
                            .withOperatorToken(OperatorTokenFile.readOrCreate(
                                    operatorTokenFile != null ? operatorTokenFile : data.resolve("operator-token")))
                            .withSelfTopUps(demoSelfTopUps)
                            .withBillingEvery(billingEverySeconds > 0 ? Duration.ofSeconds(billingEverySeconds) : null));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        System.out.println("control plane on http://" + host + ":" + server.port() + "  (API description: /openapi.json)");
        System.out.println("database: " + database.describe());
        System.out.println("operator token: in " + (operatorTokenFile != null ? operatorTokenFile
                : defaultDataDir().resolve("operator-token")).toAbsolutePath() + " (top-ups: POST /api/operator/accounts/{id}/top-ups)");
        System.out.println("billing: " + (billingEverySeconds > 0 ? "expiry and daily charges every " + billingEverySeconds + " s" : "off"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            database.close();
            stopped.countDown();
        }, "sipfleet-control-shutdown"));
        stopped.await();
        return 0;
    }

    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("sipfleet");
    }
}
