package io.sipfleet.switching.sharing;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this switch knows of its location sharing peers' bindings: pulled from each peer's
 * {@link LocationFeed}, changes only (a full copy only on first contact, or when the peer
 * restarted). Each pull is a long poll: the peer answers as soon as something changed, or empty
 * after {@link #PERIOD}, and the next pull follows at once; so an idle peer is asked once a
 * {@link #PERIOD} (the brief's "every second") and a change arrives within a round trip. Holds, per peer, AoR to contacts with their expiry: enough to know
 * which peer to send a call to, nothing of the UA's flow (the peer owns it).
 *
 * <p>One owner: the puller writes, the router reads ({@link #holders}). Pulls run on the HTTP
 * client's threads (async), never on the SIP event loops, and at most one per peer at a time.
 * A peer that cannot be reached for {@link #STALE_AFTER} loses its entries here: calls for its
 * users get 404 rather than being sent to a switch that is down.
 */
public final class PeerLocations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerLocations.class);
    public static final Duration PERIOD = Duration.ofSeconds(1);
    public static final Duration STALE_AFTER = Duration.ofSeconds(10);
    /** Least time between two pulls of one peer: changes arriving in a burst travel together. */
    static final Duration MIN_GAP = Duration.ofMillis(50);

    /** serverId -> feed address, read at every pull (a config reload changes it). */
    private final Supplier<Map<String, InetSocketAddress>> feeds;
    private final Timer timer;
    private final LongSupplier wallMillis;
    private final HttpClient http;
    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
    private final LongAdder pulls = new LongAdder();
    private final LongAdder changesApplied = new LongAdder();
    private volatile Timeout next;
    private volatile boolean closed;

    private static final class Peer {
        final String id;
        final AtomicBoolean inFlight = new AtomicBoolean();
        volatile long epoch = -1, seq;
        volatile long lastOkNanos = System.nanoTime();
        /** aor -> contact -> expiry (epoch millis, the peer's clock). */
        final ConcurrentHashMap<String, ConcurrentHashMap<String, Long>> byAor = new ConcurrentHashMap<>();

        Peer(String id) { this.id = id; }
    }

    /**
     * @param localAddress the address pulls leave from: the switch's own, which is what its peers
     *                     check (their feed answers only their configured peers' addresses)
     */
    public PeerLocations(Supplier<Map<String, InetSocketAddress>> feeds, Timer timer, LongSupplier wallMillis,
                         java.net.InetAddress localAddress) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(800));
        if (localAddress != null && !localAddress.isAnyLocalAddress()) b.localAddress(localAddress);
        this.http = b.build();
        this.feeds = feeds;
        this.timer = timer;
        this.wallMillis = wallMillis;
    }

    /** First pulls at once (a switch starting up learns its peers' bindings right away), then every PERIOD. */
    public void start() { schedule(0); }

    private void schedule(long delayMillis) {
        if (closed) return;
        try {
            next = timer.newTimeout(t -> {
                try {
                    pullAll();
                } finally {
                    schedule(PERIOD.toMillis());
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (IllegalStateException stopped) {
            // timer stopped: closing
        }
    }

    private void pullAll() {
        Map<String, InetSocketAddress> now = feeds.get();
        peers.keySet().removeIf(id -> !now.containsKey(id));
        for (var e : now.entrySet()) {
            Peer p = peers.computeIfAbsent(e.getKey(), Peer::new);
            if (System.nanoTime() - p.lastOkNanos > STALE_AFTER.toNanos() && !p.byAor.isEmpty()) {
                log.warn("location sharing: peer {} unreachable for over {} s; forgetting its bindings", p.id,
                        STALE_AFTER.toSeconds());
                p.byAor.clear();
                p.epoch = -1;
            }
            if (p.inFlight.compareAndSet(false, true)) pull(p, e.getValue());
        }
    }

    /** The next pull of {@code p}, at once when it is still a peer (the long poll paces it). */
    private void again(Peer p) {
        if (closed) return;
        InetSocketAddress feed = feeds.get().get(p.id);
        if (feed == null || peers.get(p.id) != p) return;
        if (!p.inFlight.compareAndSet(false, true)) return;
        try {
            timer.newTimeout(t -> pull(p, feed), MIN_GAP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException stopped) {
            p.inFlight.set(false);
        }
    }

    private void pull(Peer p, InetSocketAddress feed) {
        String host = feed.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) host = "[" + host + "]";
        URI uri = URI.create("http://" + host + ":" + feed.getPort() + "/location/changes?epoch=" + p.epoch + "&since=" + p.seq
                + "&wait=" + PERIOD.toMillis());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(PERIOD.plus(Duration.ofMillis(1500))).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            boolean ok = false;
            try {
                if (error != null) {
                    log.debug("location sharing: pull from {} ({}) failed: {}", p.id, uri, error.toString());
                    return;
                }
                if (response.statusCode() != 200) {
                    log.warn("location sharing: {} answered {}: {}", uri, response.statusCode(), response.body().strip());
                    return;
                }
                apply(p, LocationFeed.JSON.readValue(response.body(), LocationFeed.Reply.class));
                p.lastOkNanos = System.nanoTime();
                pulls.increment();
                ok = true;
            } catch (RuntimeException e) {
                log.warn("location sharing: bad answer from {}: {}", uri, e.toString());
            } finally {
                p.inFlight.set(false);
            }
            // Answered: ask again at once; the peer holds an idle pull up to a PERIOD, so an idle
            // peer costs one request per PERIOD and a change arrives within a round trip.
            // Failed: the periodic timer tries again within a PERIOD.
            if (ok) again(p);
        });
    }

    private void apply(Peer p, LocationFeed.Reply r) {
        if (r.reset()) {
            if (p.epoch != -1) log.info("location sharing: peer {} restarted or we fell behind; full copy of {} bindings", p.id,
                    r.changes().size());
            p.byAor.clear();
        }
        for (ChangeLog.Change c : r.changes()) {
            if (c.put()) {
                p.byAor.computeIfAbsent(c.aor(), k -> new ConcurrentHashMap<>()).put(c.contact(), c.expiresAtMillis());
            } else {
                p.byAor.computeIfPresent(c.aor(), (k, m) -> {
                    m.remove(c.contact());
                    return m.isEmpty() ? null : m;
                });
            }
        }
        changesApplied.add(r.changes().size());
        p.epoch = r.epoch();
        p.seq = r.seq();
    }

    /** The peers holding an unexpired binding of {@code aor}, by server id. */
    public List<String> holders(String aor) {
        List<String> out = new ArrayList<>(1);
        long now = wallMillis.getAsLong();
        for (Peer p : peers.values()) {
            Map<String, Long> contacts = p.byAor.get(aor);
            if (contacts == null) continue;
            for (long expires : contacts.values()) {
                if (expires > now) {
                    out.add(p.id);
                    break;
                }
            }
        }
        return out;
    }

    /** Bindings known of all peers (expired ones included until the peer says they are gone). */
    public int size() {
        int n = 0;
        for (Peer p : peers.values()) for (Map<String, Long> m : p.byAor.values()) n += m.size();
        return n;
    }

    /** Successful pulls so far. */
    public long pulls() { return pulls.sum(); }

    /** Changes applied so far (entries of full copies included). */
    public long changesApplied() { return changesApplied.sum(); }

    @Override public void close() {
        closed = true;
        Timeout t = next;
        if (t != null) t.cancel();
        http.shutdownNow(); // a long poll in flight is cut, not waited for

    }
}
