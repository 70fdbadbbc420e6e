package io.sipfleet.app.node;

import io.sipfleet.app.up.Fleet;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sipfleet up}: runs the fleet on the embedded default, nothing to install (see
 * {@link Fleet}): dispatcher-1 on 127.0.0.10:5060 in front of switch-1 (127.0.0.2:5060) and
 * switch-2 (127.0.0.3:5060), cluster c1 on one shared in-memory state, the example users
 * 1001..1003 (passwords secret1001..secret1003, realm sipfleet.local), metrics on
 * http://127.0.0.2:9090/metrics, http://127.0.0.3:9091/metrics and http://127.0.0.10:9190/metrics,
 * CDRs in .sipfleet/. Phones: registrar/domain sipfleet.local, outbound proxy 127.0.0.10:5060.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the fleet on the embedded default (a dispatcher on 127.0.0.10:5060 in front of two "
                + "clustered switches on 127.0.0.2 and 127.0.0.3) until SIGTERM or SIGINT.")
public final class UpCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        Fleet fleet = Fleet.start(false, Path.of(".sipfleet"));
        fleet.describe(spec.commandLine().getOut());
        return UntilSignalled.run(fleet, "fleet");
    }
}
