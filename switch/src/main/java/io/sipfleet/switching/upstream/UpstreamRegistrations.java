package io.sipfleet.switching.upstream;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.UriParser;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.config.UpstreamRegistration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner of the switch's upstream registrations. {@link #apply} takes the snapshot's list: a new
 * entry starts registering, a removed one unregisters (Expires: 0), a changed one (password,
 * expires, retry) re-registers with the new settings. {@link #close} unregisters everything,
 * waiting a bounded time. The switch's transaction user hands every client-transaction event to
 * {@link #onResponse}, {@link #onTimeout} and {@link #onTerminated} first; those of our REGISTERs
 * are consumed (matched by branch).
 */
public final class UpstreamRegistrations implements UpstreamAccount.Link {
    private static final Logger log = LoggerFactory.getLogger(UpstreamRegistrations.class);

    /** What /metrics shows of one registration. */
    public interface Status {
        String registrar();

        String username();

        boolean registered();

        int lastStatus();
    }

    /** Told when a registration appears, changes state, or goes (removed: the key is gone from {@link #statuses}). */
    public interface Listener {
        void changed(Map<String, Status> statuses);
    }

    private final TransactionLayer layer;
    private final Timer timer;
    private final InetSocketAddress listener;
    private final Consumer<Set<InetAddress>> registrarSources;
    private final ConcurrentHashMap<String, UpstreamAccount> byBranch = new ConcurrentHashMap<>();
    /** key -> account; replaced as a whole under {@code this}. */
    private volatile Map<String, UpstreamAccount> accounts = Map.of();
    private volatile Listener statusListener = s -> { };
    private volatile boolean closed;

    /**
     * @param listener          the UDP listener REGISTERs leave from and the Contact names
     * @param registrarSources  told the registrars' addresses whenever they change (the switch
     *                          trusts requests from them like a carrier gateway's)
     */
    public UpstreamRegistrations(TransactionLayer layer, Timer timer, InetSocketAddress listener,
                                 Consumer<Set<InetAddress>> registrarSources) {
        this.layer = layer;
        this.timer = timer;
        this.listener = listener;
        this.registrarSources = registrarSources;
    }

    public void statusListener(Listener l) { this.statusListener = l; }

    /** Makes the running registrations those of {@code wanted}: starts, stops, unregisters, re-registers. */
    public void apply(List<UpstreamRegistration> wanted) {
        List<UpstreamAccount> toStart = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            Map<String, UpstreamAccount> before = accounts;
            Map<String, UpstreamAccount> next = new LinkedHashMap<>();
            for (UpstreamRegistration r : wanted) {
                UpstreamAccount running = before.get(r.key());
                if (running != null && running.config.equals(r)) {
                    next.put(r.key(), running);
                    continue;
                }
                if (running != null) {
                    // Same account, new settings: the new REGISTER replaces the binding (same contact).
                    log.info("upstream {}: settings changed, re-registering", r.key());
                    running.stop();
                }
                UpstreamAccount account = account(r);
                if (account != null) {
                    next.put(r.key(), account);
                    toStart.add(account);
                }
            }
            for (Map.Entry<String, UpstreamAccount> e : before.entrySet()) {
                if (!next.containsKey(e.getKey())) {
                    log.info("upstream {}: removed from the config", e.getKey());
                    e.getValue().unregister();
                }
            }
            accounts = Map.copyOf(next);
        }
        publishSources();
        toStart.forEach(UpstreamAccount::start);
        status(null);
    }

    private UpstreamAccount account(UpstreamRegistration r) {
        try {
            if (UriParser.parse(r.registrar()) instanceof SipUri uri) return new UpstreamAccount(r, uri, listener, this);
        } catch (SipParseException e) {
            // validated before: not reached
        }
        log.error("upstream {}: registrar is not a sip URI; skipped", r.key());
        return null;
    }

    /** Registration states by key ("username at registrar"). */
    public Map<String, Status> statuses() {
        Map<String, Status> out = new LinkedHashMap<>();
        for (UpstreamAccount a : accounts.values()) {
            out.put(a.config.key(), new Snapshot(a.config.registrar(), a.config.username(), a.registered(), a.lastStatus()));
        }
        return out;
    }

    private record Snapshot(String registrar, String username, boolean registered, int lastStatus) implements Status {
    }

    /** True when the client transaction was one of our REGISTERs (then it is consumed). */
    public boolean onResponse(ClientTransaction tx, SipResponse response) {
        UpstreamAccount a = byBranch.get(tx.branch());
        if (a == null) return false;
        a.onResponse(tx.branch(), response);
        return true;
    }

    public boolean onTimeout(ClientTransaction tx) {
        UpstreamAccount a = byBranch.get(tx.branch());
        if (a == null) return false;
        a.onTimeout(tx.branch());
        return true;
    }

    /** A transaction that ended while still ours never got a final response: a transport error. */
    public boolean onTerminated(Transaction tx) {
        if (!(tx instanceof ClientTransaction c)) return false;
        UpstreamAccount a = byBranch.get(c.branch());
        if (a == null) return false;
        a.transportError(c.branch(), "transport error");
        return true;
    }

    /**
     * Unregisters every registration (Expires: 0) and waits for the registrars' answers, at most
     * {@code wait}: a switch that stops must not leave carriers sending calls to it until the
     * bindings expire, but a registrar that does not answer must not hold up the stop either.
     */
    public void close(Duration wait) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (UpstreamAccount a : accounts.values()) pending.add(a.unregister());
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("upstream: {} registrar(s) did not answer the unregistration within {} ms; stopping anyway",
                    pending.stream().filter(f -> !f.isDone()).count(), wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("upstream: unregistration failed", e);
        }
        for (UpstreamAccount a : accounts.values()) a.stop();
    }

    // ---- UpstreamAccount.Link ---------------------------------------------------------------

    @Override public void track(String branch, UpstreamAccount account) { byBranch.put(branch, account); }

    @Override public void untrack(String branch) { byBranch.remove(branch); }

    @Override public ClientTransaction send(SipRequest request, Peer to) { return layer.sendRequest(request, to); }

    @Override public Timeout schedule(Runnable task, long delayMillis) {
        try {
            return timer.newTimeout(t -> task.run(), delayMillis, TimeUnit.MILLISECONDS);
        } catch (IllegalStateException stopped) {
            return null; // the switch is stopping
        }
    }

    @Override public void resolved(UpstreamAccount account) { publishSources(); }

    @Override public void status(UpstreamAccount account) {
        try {
            statusListener.changed(statuses());
        } catch (RuntimeException e) {
            log.warn("upstream: status listener failed", e);
        }
    }

    private void publishSources() {
        Set<InetAddress> out = new HashSet<>();
        for (UpstreamAccount a : accounts.values()) {
            InetAddress ip = a.registrarAddress();
            if (ip != null) out.add(ip);
        }
        registrarSources.accept(Set.copyOf(out));
    }
}
