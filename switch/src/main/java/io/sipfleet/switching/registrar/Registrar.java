package io.sipfleet.switching.registrar;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.cluster.location.RegisterRequest;
import io.sipfleet.cluster.location.RegistrationResult;
import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.auth.Aors;
import io.sipfleet.switching.auth.AuthGate;
import io.sipfleet.switching.auth.PeerText;
import io.sipfleet.switching.auth.RequestAuthenticator.Outcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar (RFC 3261 10.3). For each REGISTER, in this order:
 * <ol>
 *   <li>the To URI must be sip or sips, else 400 (RFC 4475 3.3.6, unksm2);</li>
 *   <li>step 2: a Require option tag we do not support gets 420 with Unsupported (we support only
 *       "path", RFC 3327: the Path is stored with the bindings and echoed in the 200 OK when the UA
 *       sent Supported: path);</li>
 *   <li>step 3: digest authentication through the {@link AuthGate}: 401 challenge, 403, 400, and
 *       the scanner guard;</li>
 *   <li>step 4: the authenticated user must own the To AoR (step 5's canonical form, see
 *       {@link Aors}), else 403;</li>
 *   <li>steps 6-7: Contact and lifetimes ({@link RegisterDecoder}): {@code *} only alone and with
 *       Expires: 0, only sip/sips contacts (400), 423 with Min-Expires below the minimum, longer
 *       than the maximum shortened;</li>
 *   <li>the {@link LocationStore} applies the request atomically, Call-ID/CSeq ordering included;
 *       step 8: 200 OK listing every binding with its remaining lifetime, plus Date.</li>
 * </ol>
 * A REGISTER that the store finds out of order (same Call-ID, CSeq lower than the binding's:
 * step 7 says "the update MUST be aborted and the request fails") gets
 * {@code 500 Out of order request}, as 10.3 ties a failed update to 500; no Retry-After, because
 * only a new CSeq helps. The same Call-ID and CSeq is the request that wrote the binding, seen
 * again: 200 with the bindings, nothing changed. The 200 is sent statelessly (no transaction kept
 * 32 s), refusals through the transaction. A store failure gets 500 with Retry-After: 5.
 *
 * <p>Non-blocking: the store answers with a CompletionStage and the response is sent from its
 * completion, on whatever thread completes it ({@code ServerTransaction.respond} is thread-safe).
 * Stateless: a configuration reload builds a new Registrar.
 */
public final class Registrar {
    private static final Logger log = LoggerFactory.getLogger(Registrar.class);
    /** Store failures are transient (Redis fail-over): ask the UA to come back soon, not now. */
    static final String STORE_RETRY_AFTER_SECONDS = "5";

    private final RegistrarSettings settings;
    private final LocationStore store;
    private final AuthGate gate;
    private final RegistrarEvents events;
    private final Clock clock;
    private final Function<SipUri, String> aorOf;

    public Registrar(RegistrarSettings settings, LocationStore store, AuthGate gate, RegistrarEvents events,
                     Clock clock) {
        this(settings, store, gate, events, clock, Aors::canonical);
    }

    /**
     * @param aorOf the canonical AoR of a To URI (default {@link Aors#canonical}). Phones
     *     configured with the switch's IP as their domain register {@code sip:1001@192.0.2.1}: the
     *     switch passes a function that maps its own addresses to the realm, the same one its
     *     router looks bindings up with, so both agree on the key.
     */
    public Registrar(RegistrarSettings settings, LocationStore store, AuthGate gate, RegistrarEvents events,
                     Clock clock, Function<SipUri, String> aorOf) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.aorOf = Objects.requireNonNull(aorOf, "aorOf");
    }

    public RegistrarSettings settings() { return settings; }

    /** Handles one REGISTER; the answer goes through {@code tx}, now or when the store completes. */
    public void onRegister(ServerTransaction tx, SipRequest register, Peer from) {
        SipUri to = register.to().sipUri();
        if (to == null) {
            reject(tx, register, from, 400, "To must be a SIP or SIPS URI", RegistrarEvents.BAD_REQUEST);
            return;
        }
        List<String> unsupported = unsupportedRequire(register);
        if (!unsupported.isEmpty()) {
            reject(tx, register, from, 420, "Bad Extension", RegistrarEvents.BAD_EXTENSION,
                    new HeaderField(HeaderName.UNSUPPORTED.canonical(), String.join(", ", unsupported)));
            return;
        }
        Outcome outcome = gate.admit(tx, register, from, false);
        if (!(outcome instanceof Outcome.Authenticated authenticated)) {
            events.onResult(switch (outcome) {
                case Outcome.Challenge c -> RegistrarEvents.CHALLENGED;
                case Outcome.BadRequest b -> RegistrarEvents.BAD_REQUEST;
                default -> RegistrarEvents.FORBIDDEN;
            });
            return;
        }
        String aor = aorOf.apply(to);
        if (!aor.equals(authenticated.user().aor())) {
            log.info("registrar: 403 user '{}' ({}) may not register {} (from {})", authenticated.user().authUser(),
                    authenticated.user().aor(), aor, PeerText.of(from));
            reject(tx, register, from, 403, "Forbidden", RegistrarEvents.NOT_OWNER);
            return;
        }
        long now = clock.millis();
        switch (RegisterDecoder.decode(register, from, settings, now)) {
            case RegisterDecoder.Invalid bad -> {
                log.debug("registrar: {} {} for {} from {}", bad.code(), bad.reason(), aor, PeerText.of(from));
                reject(tx, register, from, bad.code(), bad.reason(), bad.result(), bad.extra());
            }
            case RegisterDecoder.Valid valid -> {
                RegisterRequest request = valid.request();
                CompletionStage<RegistrationResult> stage;
                try {
                    stage = store.register(aor, request);
                } catch (RuntimeException e) { // a store that throws instead of failing its stage
                    stage = CompletableFuture.failedStage(e);
                }
                stage.whenComplete((result, error) -> {
                    try {
                        finish(tx, register, from, aor, request, result, error);
                    } catch (RuntimeException e) {
                        log.error("registrar: answering the REGISTER of {} from {} failed", aor, PeerText.of(from), e);
                        tx.respond(500, "Server Internal Error"); // no-op if something was sent
                    }
                });
            }
        }
    }

    private void finish(ServerTransaction tx, SipRequest register, Peer from, String aor, RegisterRequest request,
                        RegistrationResult result, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            log.warn("registrar: location store failed for {} (REGISTER from {}): {}", aor, PeerText.of(from),
                    cause.toString());
            reject(tx, register, from, 500, "Server Internal Error", RegistrarEvents.STORE_ERROR,
                    new HeaderField(HeaderName.RETRY_AFTER.canonical(), STORE_RETRY_AFTER_SECONDS));
            return;
        }
        switch (result.status()) {
            case OUT_OF_ORDER -> {
                log.info("registrar: 500 out of order REGISTER for {} from {}: Call-ID {} CSeq {} is not above the"
                        + " binding's", aor, PeerText.of(from), request.callId(), request.cseq());
                reject(tx, register, from, 500, "Out of order request", RegistrarEvents.OUT_OF_ORDER);
            }
            case TOO_MANY_BINDINGS -> {
                log.info("registrar: 403 {} would hold more than {} contacts (from {})", aor,
                        request.maxBindings(), PeerText.of(from));
                reject(tx, register, from, 403, "Too many registered contacts", RegistrarEvents.TOO_MANY_BINDINGS);
            }
            case OK, REPEATED -> {
                // The store's time (Redis TIME for a cluster): expiries were computed with it,
                // so remaining seconds are right even when this switch's clock is off.
                long now = result.atMillis();
                // RFC 3327 5.3: the Path goes back in the 200 only to a UA that said it supports path.
                String path = request.path() != null && supportsPath(register) ? request.path() : null;
                // Statelessly (RFC 3261 8.2.7), as Kamailio's save() answers: a completed
                // transaction would hold the 200 for 64*T1 = 32 s, 380,000 of them at 12,000
                // REGISTERs/s, most of the heap the young collections copy. A retransmission (its
                // 200 lost) comes through again: with qop=auth its repeated nonce-count gets a
                // fresh challenge and the phone re-registers with the next CSeq (as with Kamailio);
                // without qop it reaches the store, which finds its own Call-ID/CSeq (REPEATED),
                // changes nothing, and it gets the 200 again.
                gate.respondStateless(tx, RegisterOk.create(register, tx.toTag(), result.bindings(), now, path), from);
                if (result.status() == RegistrationResult.Status.REPEATED) {
                    log.debug("registrar: {} REGISTER Call-ID {} CSeq {} seen again (retransmission): 200, unchanged",
                            aor, request.callId(), request.cseq());
                    events.onResult(RegistrarEvents.REPEATED);
                } else {
                    report(aor, request, result, now);
                }
            }
        }
    }

    private void report(String aor, RegisterRequest request, RegistrationResult result, long now) {
        for (Binding b : result.added()) {
            log.info("registrar: {} registered {} via {} for {} s (ua: {})", aor, b.contact(), b.flow(),
                    b.remainingSeconds(now), b.userAgent());
            events.onRegistered(b);
        }
        for (Binding b : result.refreshed()) {
            log.debug("registrar: {} refreshed {} via {} for {} s", aor, b.contact(), b.flow(), b.remainingSeconds(now));
            events.onRegistered(b);
        }
        for (Binding b : result.removed()) {
            log.info("registrar: {} unregistered {} (was via {})", aor, b.contact(), b.flow());
            events.onRemoved(b);
        }
        boolean changed = !result.added().isEmpty() || !result.refreshed().isEmpty();
        events.onResult(request.isQuery() ? RegistrarEvents.QUERY
                : changed ? RegistrarEvents.REGISTERED : RegistrarEvents.UNREGISTERED);
    }

    private void reject(ServerTransaction tx, SipRequest register, Peer from, int code, String reason, String result,
                        HeaderField... extra) {
        gate.respond(tx, Responses.create(register, code, reason, tx.toTag(), extra), from);
        events.onResult(result);
    }

    /** Supported (or Require) lists the "path" option tag. */
    static boolean supportsPath(SipRequest r) {
        for (HeaderName h : new HeaderName[] {HeaderName.SUPPORTED, HeaderName.REQUIRE}) {
            for (String line : r.headerValues(h)) {
                for (String tag : line.split(",")) if (tag.strip().equalsIgnoreCase("path")) return true;
            }
        }
        return false;
    }

    /** RFC 3261 8.2.2.3: every option tag of Require this registrar does not support (it supports "path", RFC 3327). */
    private static List<String> unsupportedRequire(SipRequest r) {
        if (r.indexOf(HeaderName.REQUIRE) < 0) return List.of(); // the usual REGISTER: nothing built
        List<String> tags = new ArrayList<>(0);
        for (String line : r.headerValues(HeaderName.REQUIRE)) {
            for (String tag : line.split(",")) {
                String t = tag.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals("path") && !tags.contains(t)) tags.add(t);
            }
        }
        return tags;
    }
}
