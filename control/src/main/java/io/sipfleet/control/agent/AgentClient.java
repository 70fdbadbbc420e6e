package io.sipfleet.control.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Control's side of {@link AgentProtocol}: one call per action, blocking (callers run on virtual
 * threads). Every failure becomes an {@link AgentException} whose message says which host and what.
 */
public final class AgentClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final String host;
    private final URI base;
    private final String token;

    AgentClient(String host, URI base, String token) {
        this.host = host;
        this.base = base;
        this.token = token;
    }

    /** An agent call that did not do what was asked (unreachable, refused, or failed on the host). */
    public static final class AgentException extends RuntimeException {
        private final int status;

        AgentException(String message, int status) {
            super(message);
            this.status = status;
        }

        /** HTTP status the agent answered, 0 if it was not reached. */
        public int status() {
            return status;
        }
    }

    public String host() {
        return host;
    }

    public List<AgentProtocol.NodeState> nodes() {
        return JSON.readValue(call("GET", "/nodes", null, Duration.ofSeconds(10)), AgentProtocol.Nodes.class).nodes();
    }

    public Optional<AgentProtocol.NodeState> node(String name) {
        try {
            return Optional.of(state(call("GET", "/nodes/" + name, null, Duration.ofSeconds(10))));
        } catch (AgentException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public AgentProtocol.NodeState install(String name, String role, String config) {
        return state(call("PUT", "/nodes/" + name, JSON.writeValueAsString(new AgentProtocol.Install(role, config)),
                Duration.ofSeconds(30)));
    }

    public void writeConfig(String name, String config) {
        call("PUT", "/nodes/" + name + "/config", config, Duration.ofSeconds(10));
    }

    /** start, stop, restart, power-cycle (os-cycle: {@link #osCycle}). */
    public AgentProtocol.NodeState act(String name, String verb) {
        return state(call("POST", "/nodes/" + name + "/" + verb, "", Duration.ofSeconds(60)));
    }

    public AgentProtocol.NodeState osCycle(String name, Duration drain) {
        return state(call("POST", "/nodes/" + name + "/os-cycle?drainSeconds=" + drain.toSeconds(), "",
                drain.plusSeconds(60)));
    }

    public void remove(String name) {
        call("DELETE", "/nodes/" + name, null, Duration.ofSeconds(60));
    }

    private static AgentProtocol.NodeState state(String json) {
        return JSON.readValue(json, AgentProtocol.NodeState.class);
    }

    private String call(String method, String path, String body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header(AgentProtocol.AUTHORIZATION, "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AgentException("agent of host " + host + " (" + base + ") unreachable: " + e, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while calling the agent of host " + host, 0);
        }
        if (r.statusCode() / 100 != 2) {
            String why = r.body();
            try {
                why = JSON.readValue(r.body(), AgentProtocol.Error.class).error();
            } catch (RuntimeException ignored) {
                // not our JSON: keep the raw body
            }
            throw new AgentException("agent of host " + host + ": " + method + " " + path + " -> " + r.statusCode()
                    + ": " + why, r.statusCode());
        }
        return r.body();
    }
}
