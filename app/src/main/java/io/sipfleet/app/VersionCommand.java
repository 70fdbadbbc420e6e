package io.sipfleet.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sipfleet version}: "sipfleet <version>" and the Java version, one per line. */
@Command(name = "version", description = "Print the sipfleet and Java versions.")
public final class VersionCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        for (String line : Version.lines()) spec.commandLine().getOut().println(line);
        spec.commandLine().getOut().flush();
    }
}
