package io.sipfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The control plane's REST API as a user's script calls it (bearer token, JSON). */
final class Api {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    String token;

    Api(String base) {
        this.base = base;
    }

    record Answer(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Answer call(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    /** Calls and insists on {@code status}; the body's JSON. */
    JsonNode ok(int status, String method, String path, String body) {
        Answer a = call(method, path, body);
        assertThat(a.status()).as(method + " " + path + " -> " + a.body()).isEqualTo(status);
        return a.body().isEmpty() ? null : a.json();
    }

    /** A new account with the checklist complete, {@code cents} on it, and this client holding its token. */
    JsonNode readyAccount(String email, long cents) {
        token = null;
        token = ok(201, "POST", "/api/accounts", "{\"name\": \"Demo Carrier\", \"email\": \"" + email + "\"}")
                .get("token").asString();
        ok(200, "PUT", "/api/account/contact",
                "{\"name\": \"Ops\", \"email\": \"" + email + "\", \"phone\": \"+1 555 0100\"}");
        ok(200, "POST", "/api/account/terms", "{\"accept\": true}");
        ok(201, "POST", "/api/account/top-ups", "{\"amount_cents\": " + cents + "}");
        return ok(200, "GET", "/api/account", null);
    }
}
