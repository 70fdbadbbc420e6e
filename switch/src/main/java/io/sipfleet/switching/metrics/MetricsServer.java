package io.sipfleet.switching.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sipfleet.switching.config.SwitchConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} for Prometheus, on the JDK's built-in HTTP server with one virtual
 * thread per request: no extra dependency, and a slow scraper cannot hold up the SIP path.
 * Serves the Prometheus text format, or OpenMetrics when the scraper asks for it in Accept.
 * Everything else gets 404 (other paths) or 405 (other methods).
 */
public final class MetricsServer implements AutoCloseable {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;

    private MetricsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
    }

    /** Serves {@code metrics} on the config's metricsAddress and metricsPort. */
    public static MetricsServer start(SwitchConfig config, SwitchMetrics metrics) throws IOException {
        InetAddress address = InetAddress.getByName(config.metricsAddress());  // an IP literal: no DNS
        return start(new InetSocketAddress(address, config.metricsPort()), metrics.registry());
    }

    /** Serves {@code registry} at {@code http://<bind>/metrics}; port 0 picks a free port. */
    public static MetricsServer start(InetSocketAddress bind, PrometheusMeterRegistry registry) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(bind, 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + bind + " (metricsAddress/metricsPort): " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        MetricsServer m = new MetricsServer(server, executor, registry);
        server.createContext("/", m::handle);
        server.setExecutor(executor);
        server.start();
        log.info("metrics at http://{}/metrics", hostPort(m.address()));
        return m;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                reply(exchange, 404, "not found; metrics are at /metrics\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "method not allowed\n");
                return;
            }
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            String contentType = accept != null && accept.contains("application/openmetrics-text")
                    ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            registry.scrape(body, contentType);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, body.size());
                try (OutputStream out = exchange.getResponseBody()) {
                    body.writeTo(out);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Usually the scraper hung up; the next scrape is a few seconds away.
            log.warn("metrics request from {} failed: {}", exchange.getRemoteAddress(), e.toString());
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Serves {@code handler} at {@code path} too (e.g. the location sharing feed), on the same virtual threads. */
    public void route(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** The address actually bound (the real port when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static String hostPort(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /** Stops serving at once; a scrape in progress is cut. */
    @Override
    public void close() {
        String where = hostPort(address());
        server.stop(0);
        executor.close();
        log.info("metrics server on {} stopped", where);
    }
}
