package io.sipfleet.switching.upstream;

import io.netty.util.Timeout;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.transaction.Branches;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.config.UpstreamRegistration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream registration's state machine. A <em>cycle</em> is one attempt to (re-)register:
 * REGISTER without credentials, answer one 401/407 (a second only when it says stale=true), follow
 * one or two 423s by raising Expires to the Min-Expires asked, and end in 2xx (registered,
 * refresh at half the granted lifetime) or a failure (retry after the back-off). Each state
 * change is one log line; refreshes that change nothing are logged at debug.
 *
 * <p>Events arrive on event loops (responses) and the timer thread (refresh, retry, Timer F);
 * the state is guarded by {@code this} and requests are sent after the lock is released.
 */
final class UpstreamAccount {
    private static final Logger log = LoggerFactory.getLogger(UpstreamAccount.class);
    /** Back-off ceiling (unless retrySeconds is longer): a carrier that is down for hours gets a try every 5 min. */
    static final int MAX_RETRY_SECONDS = 300;
    private static final int MAX_TOO_BRIEF_PER_CYCLE = 2;

    enum State { STARTING, REGISTERED, RETRYING, UNREGISTERING, STOPPED }

    /** What the account needs from its owner. */
    interface Link {
        /** Routes the responses of {@code branch} to {@code account} (called before sending). */
        void track(String branch, UpstreamAccount account);

        void untrack(String branch);

        /** Starts the client transaction (never blocks). */
        ClientTransaction send(SipRequest request, Peer to);

        Timeout schedule(Runnable task, long delayMillis);

        /** The registrar's address became known: its requests are trusted. */
        void resolved(UpstreamAccount account);

        /** Registered or not, and the last final status, for /metrics. */
        void status(UpstreamAccount account);
    }

    final UpstreamRegistration config;
    private final Link link;
    private final SipUri registrarUri;
    private final RegisterBuilder builder;
    private final DigestClient digest;
    private final String name;

    // guarded by this
    private State state = State.STARTING;
    private long cseq;
    private int expiresAsked;
    private String pendingBranch;
    private int challengesThisCycle;
    private int tooBriefThisCycle;
    private int failuresInARow;
    private int grantedSeconds;
    /** When the last granted lifetime ends (ms, wall clock): until then the registrar may hold our binding. */
    private long bindingUntilMillis;
    private Timeout timer;
    private volatile InetSocketAddress target;
    private volatile boolean registered;
    private volatile int lastStatus;
    private CompletableFuture<Void> unregistered;

    UpstreamAccount(UpstreamRegistration config, SipUri registrarUri, InetSocketAddress listener, Link link) {
        this.config = config;
        this.link = link;
        this.registrarUri = registrarUri;
        this.expiresAsked = config.expiresSeconds();
        String aor = "sip:" + config.username() + "@" + registrarUri.host();
        String tag = Branches.tag();
        this.builder = new RegisterBuilder(registrarUri.withoutHeaders().toString(), aor, config.username(), listener,
                Branches.next().substring(7) + "@" + RegisterBuilder.hostPort(listener), tag);
        this.digest = DigestClient.withPassword(config.username(), config.password());
        this.name = "upstream " + config.key();
    }

    boolean registered() { return registered; }

    /** Last final status of a REGISTER (408 no answer, 503 not sent), 0 before the first. */
    int lastStatus() { return lastStatus; }

    /** The registrar's resolved address, or null before the first resolution. */
    InetAddress registrarAddress() {
        InetSocketAddress t = target;
        return t == null ? null : t.getAddress();
    }

    synchronized State state() { return state; }

    /** Starts the first cycle. */
    void start() {
        log.info("{}: registering contact {} (expires {} s)", name, builder.contactUri(), expiresAsked);
        resolveThenSend();
    }

    /**
     * Stops without unregistering (a changed registration whose replacement registers the same
     * contact at once).
     */
    synchronized void stop() {
        state = State.STOPPED;
        cancelTimer();
        if (pendingBranch != null) link.untrack(pendingBranch);
        pendingBranch = null;
    }

    /**
     * Unregisters (Expires: 0) if the registrar may hold a binding (registered, or a REGISTER in
     * flight), else just stops. The future completes when the registrar answered, or gave up.
     */
    CompletableFuture<Void> unregister() {
        synchronized (this) {
            if (state == State.UNREGISTERING) return unregistered;
            // A failed refresh leaves the last binding at the registrar until its lifetime ends.
            boolean mayHoldBinding = registered || pendingBranch != null || System.currentTimeMillis() < bindingUntilMillis;
            cancelTimer();
            if (pendingBranch != null) link.untrack(pendingBranch);
            pendingBranch = null;
            if (!mayHoldBinding || target == null || state == State.STOPPED) {
                state = State.STOPPED;
                return CompletableFuture.completedFuture(null);
            }
            state = State.UNREGISTERING;
            unregistered = new CompletableFuture<>();
            challengesThisCycle = 0;
        }
        log.info("{}: unregistering contact {} (Expires: 0)", name, builder.contactUri());
        send(null, null);
        return unregistered;
    }

    private void resolveThenSend() {
        if (target != null) {
            send(null, null);
            return;
        }
        InetAddress literal = io.sipfleet.sip.transport.IpLiterals.parse(registrarUri.host());
        if (literal != null) {
            resolved(literal);
            send(null, null);
            return;
        }
        // A host name: DNS blocks, so never on an event loop or the timer thread.
        Thread.ofVirtual().name("upstream-dns").start(() -> {
            InetAddress address;
            try {
                address = InetAddress.getByName(registrarUri.host());
            } catch (java.net.UnknownHostException e) {
                failed(503, "cannot resolve " + registrarUri.host() + " (" + e.getMessage() + ")", -1);
                return;
            }
            resolved(address);
            send(null, null);
        });
    }

    private void resolved(InetAddress address) {
        target = new InetSocketAddress(address, registrarUri.portOrDefault());
        link.resolved(this);
    }

    /** Sends the cycle's next REGISTER, with credentials when {@code authHeader} is given. */
    private void send(String authHeader, String authValue) {
        SipRequest request;
        String branch = Branches.next();
        synchronized (this) {
            if (state == State.STOPPED) return;
            int expires = state == State.UNREGISTERING ? 0 : expiresAsked;
            try {
                request = builder.build(branch, ++cseq, expires, authHeader, authValue);
            } catch (SipParseException e) {
                // Only a username the validator let through but the parser refuses gets here.
                state = State.STOPPED;
                log.error("{}: cannot build a REGISTER ({}); this registration is off until the config changes",
                        name, e.getMessage());
                return;
            }
            pendingBranch = branch;
            link.track(branch, this);
        }
        ClientTransaction tx;
        try {
            tx = link.send(request, Peer.udp(target, builder.listener()));
        } catch (RuntimeException e) {
            transportError(branch, e.getMessage());
            return;
        }
        if (tx.isTerminated()) transportError(branch, "not sent");
    }

    /** A response to one of our REGISTERs. */
    void onResponse(String branch, SipResponse response) {
        if (!response.isFinal()) return;
        int code = response.statusCode();
        String authHeader = null, authValue = null;
        boolean again = false;
        synchronized (this) {
            if (!branch.equals(pendingBranch)) return; // an answer to a request we gave up on
            link.untrack(branch);
            pendingBranch = null;
            lastStatus = code;
            if (code == 401 || code == 407) {
                String header = code == 401 ? "Authorization" : "Proxy-Authorization";
                List<String> challenges = response.headerValues(code == 401 ? HeaderName.WWW_AUTHENTICATE : HeaderName.PROXY_AUTHENTICATE);
                DigestChallenge challenge = digest.choose(challenges).orElse(null);
                if (challenge == null) {
                    if (state != State.UNREGISTERING) {
                        failedLocked(code, response.reason() + ": no Digest challenge we can answer (MD5/SHA-256, qop auth) in "
                                + challenges, -1);
                    } else {
                        unregisteredLocked(code + " " + response.reason());
                    }
                    return;
                }
                if (challengesThisCycle >= 2 || (challengesThisCycle == 1 && !challenge.stale())) {
                    if (state == State.UNREGISTERING) {
                        unregisteredLocked(code + " " + response.reason());
                    } else {
                        failedLocked(code, response.reason() + ": credentials refused (check username and password)", -1);
                    }
                    return;
                }
                challengesThisCycle++;
                authHeader = header;
                authValue = digest.authorize(challenge, "REGISTER", builder.requestUri());
                again = true;
            } else if (state == State.UNREGISTERING) {
                unregisteredLocked(code + " " + response.reason());
                return;
            } else if (response.isSuccess()) {
                registeredLocked(response);
                return;
            } else if (code == 423) {
                int min = intHeader(response, HeaderName.MIN_EXPIRES);
                if (min <= expiresAsked || tooBriefThisCycle >= MAX_TOO_BRIEF_PER_CYCLE) {
                    failedLocked(code, response.reason() + (min < 0 ? " without a Min-Expires" : " (Min-Expires " + min
                            + " after asking " + expiresAsked + ")"), -1);
                    return;
                }
                tooBriefThisCycle++;
                challengesThisCycle = 0;
                log.info("{}: registrar wants at least {} s (423 {}), asking Expires {} s", name, min, response.reason(), min);
                expiresAsked = min;
                again = true;
            } else {
                int retryAfter = code >= 500 || code == 404 || code == 480 ? intHeader(response, HeaderName.RETRY_AFTER) : -1;
                // A 403 right after our credentials is how many registrars say "wrong password".
                failedLocked(code, response.reason() + (code == 403 && challengesThisCycle > 0
                        ? " (after our digest credentials: check username and password)" : ""), retryAfter);
                return;
            }
        }
        if (again) send(authHeader, authValue);
    }

    /** Timer F: the registrar never answered. */
    void onTimeout(String branch) {
        synchronized (this) {
            if (!branch.equals(pendingBranch)) return;
            link.untrack(branch);
            pendingBranch = null;
            lastStatus = 408;
            if (state == State.UNREGISTERING) {
                unregisteredLocked("no answer");
                return;
            }
            failedLocked(408, "no answer from " + RegisterBuilder.hostPort(target) + " (timeout)", -1);
        }
    }

    /** The transaction ended without a final response: a transport error (allow-list, unreachable). */
    void transportError(String branch, String why) {
        synchronized (this) {
            if (!branch.equals(pendingBranch)) return;
            link.untrack(branch);
            pendingBranch = null;
            lastStatus = 503;
            if (state == State.UNREGISTERING) {
                unregisteredLocked("not sent: " + why);
                return;
            }
            failedLocked(503, "could not send to " + RegisterBuilder.hostPort(target) + ": " + why, -1);
        }
    }

    private void registeredLocked(SipResponse response) {
        int granted = grantedExpires(response);
        if (granted <= 0) {
            failedLocked(response.statusCode(), response.reason() + " but no lifetime granted for contact "
                    + builder.contactUri(), -1);
            return;
        }
        boolean change = state != State.REGISTERED || granted != grantedSeconds;
        state = State.REGISTERED;
        registered = true;
        failuresInARow = 0;
        grantedSeconds = granted;
        bindingUntilMillis = System.currentTimeMillis() + granted * 1000L;
        // Half the lifetime: a refresh that meets a 401 and a retransmission or two still lands
        // long before the binding expires (at least 1 s ahead for very short grants).
        long refreshMillis = Math.max(500L, granted * 1000L / 2);
        if (change) {
            log.info("{}: registered at {} (granted {} s, refresh in {} s)", name, RegisterBuilder.hostPort(target), granted,
                    refreshMillis % 1000 == 0 ? Long.toString(refreshMillis / 1000) : Double.toString(refreshMillis / 1000.0));
        } else {
            log.debug("{}: refreshed (granted {} s)", name, granted);
        }
        link.status(this);
        startCycleLater(refreshMillis);
    }

    private void failedLocked(int code, String reason, int retryAfterSeconds) {
        boolean wasRegistered = registered;
        registered = false;
        lastStatus = code;
        failuresInARow++;
        long delay = retryAfterSeconds > 0 ? retryAfterSeconds
                : Math.min(Math.max(MAX_RETRY_SECONDS, config.retrySeconds()),
                        (long) config.retrySeconds() << Math.min(20, failuresInARow - 1));
        state = State.RETRYING;
        log.warn("{}: registration failed: {} {}{}; retrying in {} s", name, code, reason,
                wasRegistered ? " (was registered)" : failuresInARow > 1 ? " (" + failuresInARow + " failures in a row)" : "",
                delay);
        link.status(this);
        startCycleLater(delay * 1000);
    }

    /** Called from a virtual thread (DNS failure): takes the lock itself. */
    private void failed(int code, String reason, int retryAfterSeconds) {
        synchronized (this) {
            if (state == State.STOPPED || state == State.UNREGISTERING) return;
            failedLocked(code, reason, retryAfterSeconds);
        }
    }

    private void unregisteredLocked(String outcome) {
        registered = false;
        bindingUntilMillis = 0;
        state = State.STOPPED;
        log.info("{}: unregistered ({})", name, outcome);
        link.status(this);
        if (unregistered != null) unregistered.complete(null);
    }

    private void startCycleLater(long delayMillis) {
        cancelTimer();
        timer = link.schedule(() -> {
            synchronized (this) {
                if (state == State.STOPPED || state == State.UNREGISTERING) return;
                challengesThisCycle = 0;
                tooBriefThisCycle = 0;
                if (state == State.RETRYING) log.debug("{}: retrying registration", name);
            }
            resolveThenSendAgain();
        }, delayMillis);
    }

    /** A retry after a failure resolves a host name again (the carrier may have moved). */
    private void resolveThenSendAgain() {
        boolean literal = io.sipfleet.sip.transport.IpLiterals.parse(registrarUri.host()) != null;
        synchronized (this) {
            if (!literal && state == State.RETRYING) target = null;
        }
        resolveThenSend();
    }

    private void cancelTimer() {
        if (timer != null) timer.cancel();
        timer = null;
    }

    /**
     * The lifetime granted to OUR contact: its expires parameter in the 200's Contact list (the
     * registrar lists every binding of the AoR, RFC 3261 10.3 step 8), else the Expires header,
     * else what we asked for.
     */
    private int grantedExpires(SipResponse response) {
        String mine = builder.contactUri();
        for (NameAddr c : response.contacts()) {
            SipUri u = c.sipUri();
            if (u != null && sameContact(u, mine) && c.expires() >= 0) return (int) Math.min(Integer.MAX_VALUE, c.expires());
        }
        int header = intHeader(response, HeaderName.EXPIRES);
        return header >= 0 ? header : expiresAsked;
    }

    private static boolean sameContact(SipUri u, String mine) {
        String text = "sip:" + (u.user() == null ? "" : u.user() + "@") + u.host() + ":" + u.portOrDefault();
        return text.equalsIgnoreCase(mine);
    }

    private static int intHeader(SipResponse response, HeaderName name) {
        String v = response.header(name);
        if (v == null) return -1;
        v = v.strip();
        int end = 0;
        while (end < v.length() && end < 10 && Character.isDigit(v.charAt(end))) end++;
        if (end == 0) return -1;
        return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(v.substring(0, end)));
    }

    @Override public String toString() { return name; }
}
