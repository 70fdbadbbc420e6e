package io.sipfleet.dispatching;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /status} (JSON: each switch, up or
 * down, its probe counts) on the JDK HTTP server, one virtual thread per request, so a slow
 * scraper never touches the SIP path.
 */
final class StatusServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static StatusServer start(InetSocketAddress bind, PrometheusMeterRegistry registry, Supplier<Object> status)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(bind, 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + bind + " (metricsAddress/metricsPort): " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (!exchange.getRequestMethod().equals("GET")) {
                    reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                } else if (path.equals("/metrics")) {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
                    registry.scrape(body, "text/plain; version=0.0.4; charset=utf-8");
                    reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", body.toByteArray());
                } else if (path.equals("/status")) {
                    reply(exchange, 200, "application/json",
                            DispatcherConfigJson.MAPPER.writeValueAsBytes(status.get()));
                } else {
                    reply(exchange, 404, "text/plain; charset=utf-8", "not found: /metrics, /status\n".getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException | RuntimeException e) {
                // the client hung up; nothing to do
            }
        });
        server.setExecutor(executor);
        server.start();
        return new StatusServer(server, executor);
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    InetSocketAddress address() { return server.getAddress(); }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Override public void close() {
        server.stop(0);
        executor.close();
    }
}
