package io.sipfleet.app.agent;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sipfleet agent --control URL --token T --zone Z}: this host's agent, in the foreground
 * until SIGINT/SIGTERM (which stops its nodes: they are its children).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the host agent: registers with control and runs this host's nodes on its command.")
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--control", required = true, paramLabel = "URL", description = "control plane, e.g. http://10.0.0.1:8080")
    URI control;

    @Option(names = "--token", required = true, paramLabel = "TOKEN",
            description = "agent token (the one control was started with: --agent-token)")
    String token;

    @Option(names = "--zone", required = true, paramLabel = "ZONE", description = "zone this host is in, e.g. us-east")
    String zone;

    @Option(names = "--name", paramLabel = "HOST", description = "host name in control (default: this machine's name)")
    String name;

    @Option(names = "--listen", defaultValue = "127.0.0.1:7070", paramLabel = "HOST:PORT",
            description = "address of the agent's API, reachable from control (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--dir", paramLabel = "DIR", description = "where nodes are installed (default .sipfleet/agent)")
    Path dir;

    @Option(names = "--url", paramLabel = "URL",
            description = "URL control calls this agent on (default http://LISTEN; needed when listening on 0.0.0.0)")
    URI url;

    @Override
    public Integer call() throws Exception {
        String host = name != null ? name : java.net.InetAddress.getLocalHost().getHostName();
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen must be HOST:PORT, was " + listen);
        }
        InetSocketAddress bind = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        Agent agent = Agent.start(new Agent.Settings(host, zone, control, token, bind,
                dir != null ? dir : Path.of(".sipfleet", "agent"), url), new ProcessRuntime(), Image.current());
        System.out.println("agent " + host + " (zone " + zone + ") on " + agent.url() + ", control " + control);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "sipfleet-agent-shutdown"));
        stopped.await();
        return 0;
    }
}
