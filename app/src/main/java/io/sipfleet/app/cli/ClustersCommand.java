package io.sipfleet.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code sipfleet clusters ...}. */
@Command(name = "clusters", mixinStandardHelpOptions = true,
        description = "List, create, show and configure clusters (their members' clustering settings).",
        subcommands = {ClustersCommand.ListClusters.class, ClustersCommand.Create.class, ClustersCommand.Show.class,
                ClustersCommand.Config.class})
public final class ClustersCommand implements Runnable {

    @Spec CommandSpec spec;

    static final String[][] COLUMNS = {{"ID", "id"}, {"NAME", "name"}, {"SCOPE", "scope_id"}, {"SERVERS", "servers"},
            {"STORE_FAIL", "clustering.store_fail_mode"}, {"MEMBER_CAP", "clustering.member_channel_limit"},
            {"OVER_CAP", "clustering.capacity_failover_mode"}, {"LEASE_TTL", "clustering.channel_lease_ttl_seconds"}};

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

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a cluster by name; clustering settings not given take the switch's defaults.")
    static final class Create implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin ClusteringOptions clustering;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (clustering.body() != null) {
                body.put("clustering", clustering.body());
            }
            print(api, spec, ControlClient.JSON.createArrayNode().add(api.client().post("/api/clusters", body)));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One cluster, its settings and its servers.")
    static final class Show implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            printOne(api, spec, api.client().get("/api/clusters/" + id));
            return 0;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = {"Show a cluster, or change its name or clustering settings (only the options given change).",
                    "A change reaches every member switch at the next config pull (a couple of seconds):",
                    "  clusters config 3 --member-channel-limit 200 --capacity-failover-mode forward"})
    static final class Config implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin ClusteringOptions clustering;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--name", paramLabel = "NAME", description = "rename the cluster") String name;

        @Override
        public Integer call() {
            JsonNode c;
            if (name == null && clustering.body() == null) {
                c = api.client().get("/api/clusters/" + id);
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                if (name != null) {
                    body.put("name", name);
                }
                if (clustering.body() != null) {
                    body.put("clustering", clustering.body());
                }
                c = api.client().put("/api/clusters/" + id, body);
            }
            printOne(api, spec, c);
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

    /** The cluster's fields, then its clustering settings under their own heading. */
    private static void printOne(ApiOptions api, CommandSpec spec, JsonNode c) {
        if (api.json) {
            Output.json(spec.commandLine().getOut(), c);
            return;
        }
        ObjectNode top = ((ObjectNode) c).deepCopy();
        JsonNode clustering = top.remove("clustering");
        Output.fields(spec.commandLine().getOut(), top);
        if (clustering != null) {
            spec.commandLine().getOut().println();
            spec.commandLine().getOut().println("clustering:");
            Output.fields(spec.commandLine().getOut(), clustering);
        }
    }
}
