package io.sipfleet.app.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code sipfleet operator ...}: what only the platform operator may do (payments, billing, media relays). */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = "Operator verbs: record a payment, run billing now, register a media relay.",
        subcommands = {OperatorCommand.TopUp.class, OperatorCommand.BillingRun.class, OperatorCommand.MediaRegister.class})
public final class OperatorCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options of every operator verb. */
    static final class OperatorOptions {
        @Option(names = "--url", paramLabel = "URL", description = "control plane (default: $SIPFLEET_URL, the CLI "
                + "credentials file, then http://127.0.0.1:8080)")
        String url;

        @Option(names = "--token", paramLabel = "TOKEN", description = "operator token (default: "
                + "$SIPFLEET_OPERATOR_TOKEN, then the operator-token file of ./sipfleet control)")
        String token;

        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        ControlClient client() {
            return new ControlClient(ControlTarget.resolveOperator(url, token, System.getenv()));
        }
    }

    private static void print(CommandSpec spec, boolean json, JsonNode node) {
        if (json || node == null) {
            Output.json(spec.commandLine().getOut(), node == null ? ControlClient.JSON.nullNode() : node);
        } else {
            Output.fields(spec.commandLine().getOut(), node);
        }
    }

    @Command(name = "top-up", mixinStandardHelpOptions = true,
            description = "Record a payment received for an account (integer cents).")
    static final class TopUp implements Callable<Integer> {
        @picocli.CommandLine.Mixin OperatorOptions op;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ACCOUNT_ID") long account;
        @Parameters(index = "1", paramLabel = "AMOUNT_CENTS") long cents;

        @Override
        public Integer call() {
            print(spec, op.json, op.client().post("/api/operator/accounts/" + account + "/top-ups", Map.of("amount_cents", cents)));
            return 0;
        }
    }

    @Command(name = "billing-run", mixinStandardHelpOptions = true,
            description = "Run expiry and daily charges now (control also runs them every minute).")
    static final class BillingRun implements Callable<Integer> {
        @picocli.CommandLine.Mixin OperatorOptions op;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            print(spec, op.json, op.client().post("/api/operator/billing/run", null));
            return 0;
        }
    }

    @Command(name = "media-register", mixinStandardHelpOptions = true,
            description = "Register (or refresh) a media relay: its address, zone and aliases.")
    static final class MediaRegister implements Callable<Integer> {
        @picocli.CommandLine.Mixin OperatorOptions op;
        @Spec CommandSpec spec;
        @Option(names = "--address", required = true, description = "the relay's IP address") String address;
        @Option(names = "--zone", required = true, description = "zone id, e.g. us-east") String zone;
        @Option(names = "--alias", description = "another name or address of the relay (repeatable)") List<String> aliases = List.of();

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("address", address);
            body.put("aliases", aliases);
            body.put("zone", zone);
            print(spec, op.json, op.client().post("/api/operator/media-servers", body));
            return 0;
        }
    }
}
