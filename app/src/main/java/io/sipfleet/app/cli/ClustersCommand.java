package io.sipfleet.app.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code sipfleet clusters ...}. */
@Command(name = "clusters", mixinStandardHelpOptions = true, description = "List, create and show clusters.",
        subcommands = {ClustersCommand.ListClusters.class, ClustersCommand.Create.class, ClustersCommand.Show.class})
public final class ClustersCommand implements Runnable {

    @Spec CommandSpec spec;

    static final String[][] COLUMNS = {{"ID", "id"}, {"NAME", "name"}, {"SCOPE", "scope_id"}, {"SERVERS", "servers"}};

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The account's clusters.")
    static final class ListClusters implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            print(api, spec, api.client().get("/api/clusters"));
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a cluster by name.")
    static final class Create implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            print(api, spec, ControlClient.JSON.createArrayNode().add(api.client().post("/api/clusters", Map.of("name", name))));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One cluster and its servers.")
    static final class Show implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            JsonNode c = api.client().get("/api/clusters/" + id);
            if (api.json) {
                Output.json(spec.commandLine().getOut(), c);
            } else {
                Output.fields(spec.commandLine().getOut(), c);
            }
            return 0;
        }
    }

    private static void print(ApiOptions api, CommandSpec spec, JsonNode rows) {
        if (api.json) {
            Output.json(spec.commandLine().getOut(), rows);
        } else {
            Output.table(spec.commandLine().getOut(), rows, COLUMNS);
        }
    }
}
