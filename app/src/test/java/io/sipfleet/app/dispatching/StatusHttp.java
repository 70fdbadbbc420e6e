package io.sipfleet.app.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.dispatching.DispatcherNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET on an in-process dispatcher's status endpoint ({@code /status}, {@code /metrics}): the body of a 200. */
final class StatusHttp {
    private StatusHttp() {}

    static String get(DispatcherNode dispatcher, String path) throws Exception {
        var a = dispatcher.statusAddress();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
        return r.body();
    }
}
