package io.sipfleet.switching.auth;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.SipHandler;
import io.sipfleet.sip.transport.SipSender;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The front door: drops requests from sources {@link AuthFailureGuard} has blocked, before the
 * transaction layer sees them. Dropping here rather than in the TU matters: a request the TU
 * never answers would leave a server transaction waiting forever, and a blocked scanner sends
 * thousands. Responses pass (they answer our own requests, e.g. keep-alive OPTIONS).
 *
 * <p>Wiring: {@code transport handler = new AuthGuardFilter(guard, transactionLayer)}.
 */
public final class AuthGuardFilter implements SipHandler {
    private final AuthFailureGuard guard;
    private final SipHandler next;
    private final java.util.function.Supplier<ClientAddress> clients;

    public AuthGuardFilter(AuthFailureGuard guard, SipHandler next) {
        this(guard, ClientAddress::direct, next);
    }

    /** {@code clients}: who a request is attributed to (behind a dispatcher: the relayed client). */
    public AuthGuardFilter(AuthFailureGuard guard, java.util.function.Supplier<ClientAddress> clients, SipHandler next) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override public void onMessage(Inbound inbound, SipSender sender) {
        if (inbound.message() instanceof SipRequest request) {
            InetSocketAddress remote = inbound.from().remote();
            // Silently: no 403, no 503. Counted and logged by the guard (once per block).
            if (remote != null && guard.isBlocked(clients.get().of(request, inbound.from()))) return;
        }
        next.onMessage(inbound, sender);
    }
}
