package io.sipfleet.switching.sharing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sipfleet.cluster.location.LocationStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /location/changes?epoch=E&since=S[&wait=MS]}: this switch's binding changes for its
 * location sharing peers (with {@code wait}, held until there is one or MS pass: a long poll), served next to its metrics (a virtual thread per request, off the SIP path).
 * Answers only the configured peers' addresses (403 otherwise: the feed names every user's
 * contact). The body is one JSON object, {@link Reply}; a reset carries every binding this switch
 * owns, as puts.
 */
public final class LocationFeed implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(LocationFeed.class);
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The wire form of one answer. */
    public record Reply(String server, long epoch, long seq, boolean reset, List<ChangeLog.Change> changes) {}

    private final String serverId;
    private final ChangeLog changes;
    /** Longest a pull may wait for a change (the {@code wait} parameter is capped to it). */
    static final long MAX_WAIT_MILLIS = 5_000;
    private final LocationStore location;
    private final Supplier<Set<InetAddress>> peers;

    public LocationFeed(String serverId, ChangeLog changes, LocationStore location, Supplier<Set<InetAddress>> peers) {
        this.serverId = serverId;
        this.changes = changes;
        this.location = location;
        this.peers = peers;
    }

    @Override public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            InetAddress from = exchange.getRemoteAddress().getAddress();
            if (!peers.get().contains(from)) {
                reply(exchange, 403, "text/plain; charset=utf-8",
                        from.getHostAddress() + " is not a location sharing peer of " + serverId + "\n");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
            long epoch, since;
            try {
                epoch = Long.parseLong(q.getOrDefault("epoch", "-1"));
                since = Long.parseLong(q.getOrDefault("since", "0"));
            } catch (NumberFormatException e) {
                reply(exchange, 400, "text/plain; charset=utf-8", "epoch and since must be integers\n");
                return;
            }
            long waitMs;
            try {
                waitMs = Math.min(MAX_WAIT_MILLIS, Math.max(0, Long.parseLong(q.getOrDefault("wait", "0"))));
            } catch (NumberFormatException e) {
                reply(exchange, 400, "text/plain; charset=utf-8", "wait must be an integer (milliseconds)\n");
                return;
            }
            // Long poll: nothing new yet, so hold the request until something changes or wait ms pass.
            if (waitMs > 0) changes.awaitAfter(epoch, since, waitMs);
            reply(exchange, 200, "application/json", JSON.writeValueAsString(answer(epoch, since)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("location feed request from {} failed: {}", exchange.getRemoteAddress(), e.toString());
        }
    }

    /** The changes since {@code (epoch, since)}, or every binding we own when the peer must start over. */
    Reply answer(long epoch, long since) {
        ChangeLog.Since s = changes.since(epoch, since);
        if (!s.reset()) return new Reply(serverId, s.epoch(), s.seq(), false, s.changes());
        // Full copy, once per peer per run of this switch (or after a long absence). The seq is
        // taken before the copy: changes made during it are sent again next time, and puts and
        // deletes are idempotent.
        List<ChangeLog.Change> all = new ArrayList<>();
        location.forEachOwnedBy(serverId, b -> {
            synchronized (all) {
                all.add(new ChangeLog.Change(s.seq(), true, b.aor(), b.contact(), b.expiresAtMillis(), b.q()));
            }
        }).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
        return new Reply(serverId, s.epoch(), s.seq(), true, all);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.HashMap<>();
        if (raw == null) return out;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
