package io.sipfleet.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code sipfleet balance [ledger]}: the account's money (top-ups are recorded by the operator). */
@Command(name = "balance", mixinStandardHelpOptions = true,
        description = "The balance and the deposit the next deploy needs; 'balance ledger' lists every movement.",
        subcommands = {BalanceCommand.Ledger.class})
public final class BalanceCommand implements Callable<Integer> {

    @Mixin ApiOptions api;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode b = api.client().get("/api/account/balance");
        if (api.json) {
            Output.json(spec.commandLine().getOut(), b);
        } else {
            Output.fields(spec.commandLine().getOut(), b);
        }
        return 0;
    }

    @Command(name = "ledger", mixinStandardHelpOptions = true, description = "Top-ups, daily charges and refunds, oldest first.")
    static final class Ledger implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode rows = api.client().get("/api/account/ledger");
            if (api.json) {
                Output.json(spec.commandLine().getOut(), rows);
            } else {
                Output.table(spec.commandLine().getOut(), rows, new String[][]{{"ID", "id"}, {"WHEN", "created_at"},
                        {"KIND", "kind"}, {"CENTS", "amount_cents"}, {"SERVER", "server_id"}, {"DAY", "charge_date"},
                        {"NOTE", "note"}});
            }
            return 0;
        }
    }
}
