package io.sipfleet.app;

import io.sipfleet.app.agent.AgentCommand;
import io.sipfleet.app.cli.BalanceCommand;
import io.sipfleet.app.cli.ClustersCommand;
import io.sipfleet.app.cli.OperatorCommand;
import io.sipfleet.app.cli.ServersCommand;
import io.sipfleet.app.control.ControlCommand;
import io.sipfleet.app.node.NodeCommand;
import io.sipfleet.app.node.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sipfleet} CLI. Subcommands: version, node, up, control, agent. */
@Command(name = "sipfleet", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Run a carrier's fleet of SIP servers.",
        subcommands = {VersionCommand.class, NodeCommand.class, UpCommand.class, ControlCommand.class, AgentCommand.class,
                ServersCommand.class, ClustersCommand.class, BalanceCommand.class, OperatorCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        // No subcommand: show what there is rather than doing something surprising.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The CLI with sipfleet's conventions (case-insensitive enum values), for main and for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cl, parsed) -> {
                    // A port in use or a bad setting: one line saying what, not a stack trace.
                    if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
                        cl.getErr().println("sipfleet " + cl.getCommandName() + ": " + e.getMessage());
                        cl.getErr().flush();
                        return 1;
                    }
                    throw e;
                });
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
