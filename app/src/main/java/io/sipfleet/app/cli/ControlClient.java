package io.sipfleet.app.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST API as the CLI uses it: JSON in and out; an error answer becomes one readable line. */
final class ControlClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ControlTarget target;

    ControlClient(ControlTarget target) {
        this.target = target;
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return call("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return call("PUT", path, body);
    }

    /** Sends {@code body} (a JsonNode, record or map) and returns the answer's JSON (null for 204). */
    JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.url() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + target.token())
                .header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach the control plane at " + target.url()
                    + ": is it running (./sipfleet up or ./sipfleet control)?");
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + target.url() + path + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        if (r.statusCode() == 204 || r.body().isEmpty()) {
            return null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (RuntimeException e) {
            throw new IllegalStateException("HTTP " + r.statusCode() + " from " + target.url() + path
                    + " is not JSON: is " + target.url() + " a sipfleet control plane?");
        }
        if (r.statusCode() >= 400) {
            JsonNode error = json.get("error");
            throw new IllegalStateException((error != null ? error.asString() : r.body()) + " (HTTP " + r.statusCode() + ")");
        }
        return json;
    }
}
