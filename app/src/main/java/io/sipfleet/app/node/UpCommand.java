package io.sipfleet.app.node;

import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sipfleet up}: runs the fleet. For now the fleet is one echo node on 127.0.0.2:5060
 * (UDP and TCP); the dispatcher, switch and media roles will replace it.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the fleet (for now: one echo node on 127.0.0.2:5060, UDP and TCP) until SIGTERM or SIGINT.")
public final class UpCommand implements Callable<Integer> {
    static final InetSocketAddress ECHO = new InetSocketAddress("127.0.0.2", 5060);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        EchoNode node = EchoNode.start(ListenerConfig.of(ECHO), false);
        var out = spec.commandLine().getOut();
        for (Transport t : new Transport[] {Transport.UDP, Transport.TCP}) {
            InetSocketAddress a = node.server().localAddress(t);
            out.println("started echo node: sip:" + a.getAddress().getHostAddress() + ":" + a.getPort() + ";transport="
                    + t.name().toLowerCase());
        }
        out.flush();
        return UntilSignalled.run(node, "fleet");
    }
}
