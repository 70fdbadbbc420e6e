package io.sipfleet.switching.auth;

import io.netty.util.Timer;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.auth.RequestAuthenticator.Outcome;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Authentication as every request handler of the switch uses it (REGISTER, INVITE, OPTIONS ...
 * alike, so no method tells a scanner more than another): checks the credentials, feeds the
 * outcome to the {@link AuthFailureGuard}, and answers everything but success itself: 401/407
 * with challenges, 403 "Forbidden", or 400. Answers to a source the guard slows down leave only
 * after the slow-down delay, scheduled on the Netty timer (never a sleep on an event loop).
 *
 * <p>The authenticator can be {@link #replace}d when a configuration reload changes the realm.
 */
public final class AuthGate {
    private volatile RequestAuthenticator authenticator;
    private final AuthFailureGuard guard;
    private final Timer timer;
    private volatile ClientAddress clients = ClientAddress.direct();
    private volatile Runnable failureListener = () -> {};

    public AuthGate(RequestAuthenticator authenticator, AuthFailureGuard guard, Timer timer) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    public RequestAuthenticator authenticator() { return authenticator; }

    public void replace(RequestAuthenticator next) { authenticator = Objects.requireNonNull(next, "next"); }

    public AuthFailureGuard guard() { return guard; }

    /**
     * Told of every failed authentication (any method: REGISTER, INVITE, OPTIONS ...), e.g. to
     * count it in metrics. Runs on the caller's thread; must not block.
     */
    public void onFailure(Runnable listener) { failureListener = Objects.requireNonNull(listener, "listener"); }

    /** Who requests are attributed to (the client behind a dispatcher); see {@link ClientAddress}. */
    public void clients(ClientAddress attribution) { clients = Objects.requireNonNull(attribution, "attribution"); }

    public ClientAddress clients() { return clients; }

    /**
     * Authenticates {@code request}. Returns {@link Outcome.Authenticated} for the caller to go on
     * with; for any other outcome the transaction has been answered (maybe with a delay) and the
     * caller only counts or logs. {@code proxy}: Proxy-Authorization and 407 instead of
     * Authorization and 401.
     */
    public Outcome admit(ServerTransaction tx, SipRequest request, Peer from, boolean proxy) {
        RequestAuthenticator auth = authenticator;
        InetAddress source = clients.of(request, from);
        Outcome outcome = auth.check(request, from, proxy);
        if (outcome instanceof Outcome.Authenticated) {
            guard.success(source);
            return outcome;
        }
        if (outcome.countsAsFailure()) {
            guard.failure(source);
            failureListener.run();
        }
        // A challenge is answered statelessly (RFC 3261 8.2.7): a retransmitted request just gets
        // a new one, and no transaction lingers 32 s per challenge. Refusals stay stateful.
        respond(tx, auth.reject(outcome, request, tx.toTag(), proxy), from, outcome instanceof Outcome.Challenge);
        return outcome;
    }

    /**
     * Sends {@code response} through {@code tx}, after the slow-down delay when the guard slows
     * {@code from} down. Every answer of a request handler that ran {@link #admit} should go
     * through here, so a slowed source learns nothing faster from a 400 or 423 than from a 403.
     */
    public void respond(ServerTransaction tx, SipResponse response, Peer from) {
        respond(tx, response, from, false);
    }

    /**
     * As {@link #respond(ServerTransaction, SipResponse, Peer)}, but ends the transaction at once
     * (RFC 3261 8.2.7): for answers that are safe to compute again when a retransmission comes.
     */
    public void respondStateless(ServerTransaction tx, SipResponse response, Peer from) {
        respond(tx, response, from, true);
    }

    /** {@link #respond(ServerTransaction, SipResponse, Peer)}, statelessly when {@code stateless}. */
    private void respond(ServerTransaction tx, SipResponse response, Peer from, boolean stateless) {
        SipRequest request = tx.request();
        InetAddress client = request == null ? address(from) : clients.of(request, from);
        if (response.statusCode() >= 300 && guard.isSlowed(client)) {
            long delay = guard.settings().slowDownDelay().toNanos();
            try {
                timer.newTimeout(t -> send(tx, response, stateless), delay, TimeUnit.NANOSECONDS);
                return;
            } catch (RejectedExecutionException | IllegalStateException stopped) {
                // Shutting down: answer now rather than never (an unanswered transaction lingers).
            }
        }
        send(tx, response, stateless);
    }

    private static void send(ServerTransaction tx, SipResponse response, boolean stateless) {
        if (stateless) tx.respondStateless(response);
        else tx.respond(response);
    }

    private static InetAddress address(Peer from) {
        return from == null || from.remote() == null ? null : from.remote().getAddress();
    }
}
