package io.sipfleet.app.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
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

/** {@code sipfleet servers ...}: the brief's server list, deploy, details, config, actions and resize. */
@Command(name = "servers", mixinStandardHelpOptions = true,
        description = "List, deploy, show, configure, act on and resize servers (over the REST API).",
        subcommands = {ServersCommand.ListServers.class, ServersCommand.Deploy.class, ServersCommand.Show.class,
                ServersCommand.Config.class, ServersCommand.Action.class, ServersCommand.Resize.class,
                ServersCommand.Reactivate.class})
public final class ServersCommand implements Runnable {

    @Spec CommandSpec spec;

    static final String[][] COLUMNS = {
            {"ID", "id"}, {"IP", "ip"}, {"PORT", "port"}, {"TYPE", "type"}, {"ZONE", "zone"}, {"CLUSTER", "cluster"},
            {"CHANNELS", "channels_in_use/channels_max"}, {"CPS", "cps_max"}, {"SIP_MS", "sip_latency_ms"},
            {"EXPIRES", "expires_at"}, {"STATUS", "status"}};

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static PrintWriter out(CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The account's servers.")
    static final class ListServers implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode servers = api.client().get("/api/servers");
            if (api.json) {
                Output.json(out(spec), servers);
            } else {
                Output.table(out(spec), servers, COLUMNS);
            }
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy a server (needs the checklist done and $20 x (1 + servers) on the balance).")
    static final class Deploy implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Option(names = "--type", required = true, description = "switch or dispatcher") String type;
        @Option(names = "--zone", required = true, description = "zone id, e.g. us-east") String zone;
        @Option(names = "--cluster", paramLabel = "ID", description = "cluster to join") Long cluster;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", type);
            body.put("zone", zone);
            if (cluster != null) {
                body.put("cluster_id", cluster);
            }
            JsonNode s = api.client().post("/api/servers", body);
            if (api.json) {
                Output.json(out(spec), s);
            } else {
                Output.table(out(spec), ControlClient.JSON.createArrayNode().add(s), COLUMNS);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One server's details and config.")
    static final class Show implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            ControlClient c = api.client();
            JsonNode server = c.get("/api/servers/" + id);
            JsonNode settings = c.get("/api/servers/" + id + "/settings");
            if (api.json) {
                ObjectNode both = ControlClient.JSON.createObjectNode();
                both.set("server", server);
                both.set("config", settings);
                Output.json(out(spec), both);
            } else {
                Output.fields(out(spec), server);
                out(spec).println();
                out(spec).println("config:");
                Output.fields(out(spec), settings);
            }
            return 0;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = {"Show a server's config, or change it with --set (only the named fields change).",
                    "Values are JSON when they parse as JSON (true, 5080, [5080,5081], null), else text:",
                    "  servers config 7 --set fqdn=sip.example.com --set restrict_direct=true --set extra_udp_ports=[5080]"})
    static final class Config implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "a config field to change (repeatable)")
        List<String> sets = List.of();

        @Override
        public Integer call() {
            ControlClient c = api.client();
            JsonNode settings;
            if (sets.isEmpty()) {
                settings = c.get("/api/servers/" + id + "/settings");
            } else {
                ObjectNode body = ControlClient.JSON.createObjectNode();
                for (String s : sets) {
                    int eq = s.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--set " + s + ": expected FIELD=VALUE, e.g. fqdn=sip.example.com");
                    }
                    body.set(s.substring(0, eq), value(s.substring(eq + 1)));
                }
                settings = c.put("/api/servers/" + id + "/settings", body);
            }
            if (api.json) {
                Output.json(out(spec), settings);
            } else {
                Output.fields(out(spec), settings);
            }
            return 0;
        }

        private static JsonNode value(String text) {
            try {
                return ControlClient.JSON.readTree(text);
            } catch (RuntimeException notJson) {
                return ControlClient.JSON.getNodeFactory().stringNode(text);
            }
        }
    }

    @Command(name = "action", mixinStandardHelpOptions = true,
            description = "Run an action: install, start, stop, restart, os_cycle, power_cycle, update, flush.")
    static final class Action implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID") long id;
        @Parameters(index = "1", paramLabel = "ACTION") String action;

        @Override
        public Integer call() {
            JsonNode r = api.client().post("/api/servers/" + id + "/actions", Map.of("action", action.replace('-', '_')));
            if (api.json) {
                Output.json(out(spec), r);
            } else {
                out(spec).println(action + ": " + Output.cell(r, "result") + (r.has("message") ? " - " + Output.cell(r, "message") : ""));
                out(spec).flush();
            }
            return 0;
        }
    }

    @Command(name = "resize", mixinStandardHelpOptions = true,
            description = "New channel count: up to 1000 applied live; above, the server restarts (needs --confirm).")
    static final class Resize implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID") long id;
        @Parameters(index = "1", paramLabel = "CHANNELS") int channels;
        @Option(names = "--confirm", description = "accept the restart a resize above 1000 channels needs") boolean confirm;

        @Override
        public Integer call() {
            JsonNode r = api.client().post("/api/servers/" + id + "/resize", Map.of("channels", channels, "confirm", confirm));
            if (api.json) {
                Output.json(out(spec), r);
            } else {
                out(spec).println("resize to " + channels + ": " + Output.cell(r, "result")
                        + (r.has("message") ? " - " + Output.cell(r, "message") : ""));
                out(spec).flush();
            }
            return 0;
        }
    }

    @Command(name = "reactivate", mixinStandardHelpOptions = true,
            description = "Reactivate an expired or suspended server (needs $20 x (1 + other active servers)).")
    static final class Reactivate implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            JsonNode r = api.client().post("/api/servers/" + id + "/reactivate", null);
            if (api.json) {
                Output.json(out(spec), r);
            } else {
                Output.fields(out(spec), r);
            }
            return 0;
        }
    }
}
