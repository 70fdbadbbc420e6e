package io.sipfleet.app.cli;

import picocli.CommandLine.Option;

/** Options every API verb takes. */
public final class ApiOptions {

    @Option(names = "--url", paramLabel = "URL", description = "control plane, e.g. http://127.0.0.1:8080 "
            + "(default: $SIPFLEET_URL, then the file ./sipfleet up writes under ~/.config/sipfleet)")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: $SIPFLEET_TOKEN, then the same file)")
    String token;

    @Option(names = "--json", description = "print the API's JSON instead of a table")
    boolean json;

    ControlClient client() {
        return new ControlClient(ControlTarget.resolve(url, token, System.getenv()));
    }
}
