package io.sipfleet.app.node;

import io.sipfleet.sip.transport.AllowList;
import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The listener options shared by the node commands. */
final class NodeOptions {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.2:5060",
            converter = ListenOption.class,
            description = "Address and port for UDP and TCP (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
    InetSocketAddress listen;

    @Option(names = "--transport", split = ",", paramLabel = "udp|tcp", defaultValue = "udp,tcp",
            description = "Transports to listen on (default: ${DEFAULT-VALUE}).")
    List<Transport> transports;

    @Option(names = "--allow", paramLabel = "CIDR[,CIDR...]", defaultValue = "any", converter = AllowConverter.class,
            description = "Destinations this node may send to (default: ${DEFAULT-VALUE}); "
                    + "broadcast, multicast and unspecified addresses never.")
    AllowList allow;

    @Option(names = "--max-message-bytes", defaultValue = "65535", paramLabel = "N",
            description = "Largest message accepted (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(names = "--io-threads", defaultValue = "0", paramLabel = "N",
            description = "Event loop threads, 0 = one per CPU (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--nio", description = "Use NIO even where epoll is available.")
    boolean nio;

    ListenerConfig config() {
        for (Transport t : transports) {
            if (t != Transport.UDP && t != Transport.TCP) {
                throw new CommandLine.ParameterException(mixee.commandLine(),
                        "--transport " + t.name().toLowerCase() + " is not supported yet (udp and tcp are)");
            }
        }
        return ListenerConfig.of(listen).withTransports(EnumSet.copyOf(transports)).withAllowList(allow)
                .withMaxMessageBytes(maxMessageBytes).withIoThreads(ioThreads).withPreferNative(!nio);
    }

    static final class AllowConverter implements CommandLine.ITypeConverter<AllowList> {
        @Override public AllowList convert(String value) {
            try {
                return AllowList.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
