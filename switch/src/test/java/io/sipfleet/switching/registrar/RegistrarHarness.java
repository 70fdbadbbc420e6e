package io.sipfleet.switching.registrar;

import io.sipfleet.sip.transaction.ManualTimer;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.InMemoryLocationStore;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.sip.auth.DigestAlgorithm;
import io.sipfleet.sip.auth.DigestAuthenticator;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import io.sipfleet.sip.auth.DigestConfig;
import io.sipfleet.sip.auth.Ha1;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.TimerConfig;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipHandler;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.switching.auth.Aors;
import io.sipfleet.switching.auth.AuthFailureGuard;
import io.sipfleet.switching.auth.AuthGate;
import io.sipfleet.switching.auth.AuthGuardFilter;
import io.sipfleet.switching.auth.AuthGuardSettings;
import io.sipfleet.switching.auth.MutableClock;
import io.sipfleet.switching.auth.RequestAuthenticator;
import io.sipfleet.switching.auth.SipUser;
import io.sipfleet.switching.auth.StaticUserDirectory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A switch in miniature, wired as the node will be: guard filter, real transaction layer, a TU
 * that hands REGISTERs to the {@link Registrar}, real digest authenticator and in-memory
 * location store. The network is a recording sender; time is a manual clock and timer.
 */
final class RegistrarHarness {
    static final String REALM = "example.com";
    static final Peer NATTED = Peer.udp(new InetSocketAddress("127.0.0.99", 40000), new InetSocketAddress("127.0.0.1", 5060));

    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T03:00:00Z"));
    final ManualTimer timer = new ManualTimer();
    final List<SipMessage> sent = new ArrayList<>();
    final DigestAuthenticator digest = new DigestAuthenticator(DigestConfig.defaults(REALM), clock, new byte[32]);
    final AuthFailureGuard guard = new AuthFailureGuard(AuthGuardSettings.defaults(), clock);
    final AuthGate gate = new AuthGate(new RequestAuthenticator(digest, new StaticUserDirectory(List.of(
            user("alice", "alice-pw"), user("bob", "bob-pw"), user("watson", "watson-pw"), user("user", "user-pw")))),
            guard, timer);
    final RecordingEvents events = new RecordingEvents();
    final LocationStore store;
    final Registrar registrar;
    final TransactionLayer layer;
    final SipHandler frontDoor;

    RegistrarHarness() { this(InMemoryLocationStore::new); }

    /** {@code stores} makes the location store from the harness clock. */
    RegistrarHarness(Function<Clock, LocationStore> stores) { this(stores, Aors::canonical); }

    RegistrarHarness(Function<Clock, LocationStore> stores, Function<SipUri, String> aorOf) {
        this.store = stores.apply(clock);
        registrar = new Registrar(RegistrarSettings.defaults(REALM, "switch-1"), this.store, gate, events, clock, aorOf);
        SipSender sender = (m, to) -> { synchronized (sent) { sent.add(m); } };
        layer = new TransactionLayer(new Tu(), sender, timer, TimerConfig.defaults(), false);
        frontDoor = new AuthGuardFilter(guard, layer);
    }

    static SipUser user(String name, String password) {
        return new SipUser("sip:" + name + "@" + REALM, name, Ha1.compute(DigestAlgorithm.MD5, name, REALM, password),
                Ha1.compute(DigestAlgorithm.SHA_256, name, REALM, password));
    }

    /** Delivers {@code request} as the transport would and returns what was answered meanwhile. */
    List<SipResponse> deliver(SipRequest request, Peer from) {
        int before;
        synchronized (sent) { before = sent.size(); }
        frontDoor.onMessage(new Inbound(request, from, System.nanoTime()), (m, to) -> { synchronized (sent) { sent.add(m); } });
        synchronized (sent) {
            return sent.subList(before, sent.size()).stream().map(SipResponse.class::cast).toList();
        }
    }

    /** Exactly one response to {@code request}. */
    SipResponse send(SipRequest request, Peer from) {
        List<SipResponse> r = deliver(request, from);
        assertThat(r).as("responses to\n%s", request).hasSize(1);
        return r.get(0);
    }

    SipResponse send(Reg reg) { return send(reg.build(), NATTED); }

    /**
     * The usual UA dance: the request without credentials (401), then again with a higher CSeq,
     * a new branch and the answer to the first challenge {@code client} supports.
     */
    SipResponse sendAuthenticated(Reg reg, DigestClient client) {
        SipResponse challenge = send(reg.authorization(null).build(), NATTED);
        assertThat(challenge.statusCode()).isEqualTo(401);
        DigestChallenge ch = client.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        reg.cseq(reg.cseq + 1).authorization(client.authorize(ch, "REGISTER", reg.requestUri));
        return send(reg);
    }

    List<Binding> bindings(String aor) {
        return store.lookup(aor).toCompletableFuture().join();
    }

    static SipRequest parse(String text) {
        try {
            return (SipRequest) SipParser.parse(text);
        } catch (Exception e) {
            throw new AssertionError("test request does not parse: " + e.getMessage() + "\n" + text, e);
        }
    }

    private final class Tu implements TransactionUser {
        @Override public void onRequest(ServerTransaction tx, SipRequest request) {
            if (request.isMethod("REGISTER")) registrar.onRegister(tx, request, tx.peer());
            else tx.respond(405, "Method Not Allowed");
        }

        @Override public void onAck(SipRequest ack, Peer from) {}

        @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) {}

        @Override public void onResponse(ClientTransaction tx, SipResponse response) {}

        @Override public void onTimeout(ClientTransaction tx) {}
    }

    static final class RecordingEvents implements RegistrarEvents {
        final List<Binding> registered = new ArrayList<>(), removed = new ArrayList<>();
        final List<String> results = new ArrayList<>();

        @Override public synchronized void onRegistered(Binding b) { registered.add(b); }

        @Override public synchronized void onRemoved(Binding b) { removed.add(b); }

        @Override public synchronized void onResult(String result) { results.add(result); }
    }
}
