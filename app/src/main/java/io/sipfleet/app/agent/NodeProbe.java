package io.sipfleet.app.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the agent reads from a switch it runs (its /metrics, named by its own config) to drain it. */
final class NodeProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private NodeProbe() {
    }

    /** Calls in progress on the switch configured by {@code config}, or null if it does not answer. */
    static Integer channelsInUse(Path config) {
        try {
            JsonNode c = Agent.JSON.readTree(Files.readString(config));
            String address = c.path("metricsAddress").asString(c.path("listen").path(0).path("address").asString());
            int port = c.path("metricsPort").asInt(9090);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("sipfleet_channels_in_use")) {
                    return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).strip());
                }
            }
            return null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    /**
     * The config with the channel limit at the calls in progress (no new call fits) and the
     * version one up (a node refuses the same version with other content).
     */
    static byte[] drainConfig(byte[] original, int inUse) {
        ObjectNode c = (ObjectNode) Agent.JSON.readTree(original);
        c.put("version", c.path("version").asLong() + 1);
        c.put("channelLimit", inUse);
        return Agent.JSON.writeValueAsBytes(c);
    }
}
