package io.sipfleet.switching.auth;

import io.sipfleet.sip.auth.DigestAlgorithm;
import io.sipfleet.sip.auth.DigestAuthenticator;
import io.sipfleet.sip.auth.DigestCredentials;
import io.sipfleet.sip.auth.DigestParseException;
import io.sipfleet.sip.auth.DigestResult;
import io.sipfleet.sip.auth.Ha1;
import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Digest authentication of one request for one realm (RFC 3261 22.4, RFC 7616, RFC 8760):
 * Authorization / 401 / WWW-Authenticate for the registrar, Proxy-Authorization / 407 /
 * Proxy-Authenticate for the proxy. Thread-safe, non-blocking.
 *
 * <p><b>No user enumeration.</b> An unknown user and a known user with a wrong password follow
 * the same path: the first answer is the same challenge (it precedes any user name), the second
 * the same {@code 403 Forbidden} with no extra header; and an unknown user's response is checked
 * against a dummy HA1 so both cost the same hashing. Only the log line tells them apart.
 *
 * <p>Users with only one of the two HA1s: the challenge cannot depend on the user (it is sent
 * before the user is named), so every challenge offers all configured algorithms; a phone that
 * answers with an algorithm its user has no HA1 for fails like a wrong password, and the log says
 * which HA1 is missing. Provision both HA1s.
 */
public final class RequestAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(RequestAuthenticator.class);

    /** What {@link #check} decided. {@link #countsAsFailure()} feeds {@link AuthFailureGuard}. */
    public sealed interface Outcome {
        boolean countsAsFailure();

        /** The credentials are right: go on as {@code user}. */
        record Authenticated(SipUser user) implements Outcome {
            @Override public boolean countsAsFailure() { return false; }
        }

        /**
         * Answer 401/407 with fresh challenges. {@code failure}: the request carried credentials
         * for this realm that could not be accepted (forged nonce, replay, algorithm not offered);
         * false for a first request without credentials and for a stale nonce (the password was
         * right). {@code reason}: for the log only.
         */
        record Challenge(boolean stale, boolean failure, String reason) implements Outcome {
            @Override public boolean countsAsFailure() { return failure; }
        }

        /** Answer 403 "Forbidden", whatever the reason: {@code reason} is for the log only. */
        record Forbidden(String reason) implements Outcome {
            @Override public boolean countsAsFailure() { return true; }
        }

        /** Answer 400 with {@code phrase}; {@code reason} (parser detail) is for the log. */
        record BadRequest(String phrase, String reason) implements Outcome {
            @Override public boolean countsAsFailure() { return true; }
        }
    }

    private final DigestAuthenticator digest;
    private final UserDirectory users;
    private final String realm;
    private final Map<DigestAlgorithm, String> dummyHa1 = new EnumMap<>(DigestAlgorithm.class);
    /** The outcome of every first request (no credentials yet): one instance, not one per request. */
    private final Outcome.Challenge noCredentials;

    public RequestAuthenticator(DigestAuthenticator digest, UserDirectory users) {
        this.digest = Objects.requireNonNull(digest, "digest");
        this.users = Objects.requireNonNull(users, "users");
        this.realm = digest.config().realm();
        this.noCredentials = new Outcome.Challenge(false, false, "no credentials for realm " + realm);
        // A random password per process: nobody can answer for the dummy, not even by chance.
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            dummyHa1.put(a, Ha1.compute(a, "nobody", realm, password));
        }
    }

    public String realm() { return realm; }

    public UserDirectory users() { return users; }

    /**
     * Checks the request's credentials for this realm. {@code proxy}: read Proxy-Authorization
     * (a proxy, answering 407) instead of Authorization (a registrar or UAS, answering 401).
     * {@code from} only labels log lines.
     */
    public Outcome check(SipRequest request, Peer from, boolean proxy) {
        HeaderName header = proxy ? HeaderName.PROXY_AUTHORIZATION : HeaderName.AUTHORIZATION;
        DigestCredentials creds = null;
        for (int line = request.indexOf(header); line >= 0 && line < request.headerCount(); line++) {
            if (request.nameId(line) != header.id()) continue; // no list of the values per request
            String value = request.headerValue(line);
            // RFC 3261 22.4 / RFC 4475 3.1.2.10 (regaut01): credentials of a scheme we do not
            // speak are ignored, as if absent, so the client still gets our challenge.
            if (!isDigest(value)) continue;
            DigestCredentials c;
            try {
                c = DigestCredentials.parse(header.canonical(), value);
            } catch (DigestParseException e) {
                log.debug("auth: 400 for {} from {}: {}", request.method(), PeerText.of(from), e.getMessage());
                return new Outcome.BadRequest("Malformed " + header.canonical() + " header", e.getMessage());
            }
            // Credentials for other realms belong to other hops (22.3): skip them.
            if (realm.equals(c.realm())) {
                creds = c;
                break;
            }
        }
        if (creds == null) return noCredentials;
        if (!DigestUris.matches(creds.uri(), request)) {
            String why = "digest uri '" + creds.uri() + "' is not the Request-URI '"
                    + DigestUris.requestUriText(request) + "'";
            log.debug("auth: 400 for {} from {}: {}", request.method(), PeerText.of(from), why);
            return new Outcome.BadRequest("Digest URI does not match Request-URI", why);
        }
        // We never offer userhash (RFC 7616 3.4.4), so a hashed name is as good as unknown.
        SipUser user = creds.userhash() ? null : users.byAuthUser(creds.username()).orElse(null);
        String ha1 = user == null ? null : user.ha1(creds.algorithm());
        // Same hashing for everyone: an unknown user is verified against the dummy HA1.
        DigestResult result = digest.verify(creds, request.method(), ha1 != null ? ha1 : dummyHa1.get(creds.algorithm()));
        Outcome outcome = outcome(result, user, ha1 != null);
        logOutcome(outcome, request, from, creds, user, ha1 != null);
        return outcome;
    }

    private Outcome outcome(DigestResult r, SipUser user, boolean hasHa1) {
        if (!hasHa1 && (r.isOk() || r.isStale() || r.status() == DigestResult.Status.REPLAY)) {
            // Only reachable by guessing the dummy HA1's response: never a success.
            return new Outcome.Forbidden("response matched no user");
        }
        return switch (r.status()) {
            case OK -> new Outcome.Authenticated(user);
            // RFC 7616 3.3: the password was right, only the nonce is old: retry silently.
            case STALE -> new Outcome.Challenge(true, false, r.reason());
            // A repeated nonce-count with a right response: the retransmission of a request that
            // was answered statelessly (a REGISTER whose 200 was lost), or a captured copy. Neither
            // guesses a password, so it is not counted: behind one NAT or SBC, lost 200s would
            // otherwise add up to a block of every phone there. A fresh challenge, as for stale.
            case REPLAY -> new Outcome.Challenge(false, false, r.reason());
            // A nonce of another secret (a restart, another cluster), or parameters we never
            // offered: a fresh challenge lets a real phone recover; a scanner still counts.
            case BAD_NONCE, REALM_MISMATCH, UNSUPPORTED_ALGORITHM, UNSUPPORTED_QOP ->
                    new Outcome.Challenge(false, true, r.reason());
            case WRONG_RESPONSE -> new Outcome.Forbidden(r.reason());
        };
    }

    private void logOutcome(Outcome o, SipRequest request, Peer from, DigestCredentials c, SipUser user,
                            boolean hasHa1) {
        if (o instanceof Outcome.Forbidden f) {
            if (user == null) {
                // Scanners guess user names all day: not worth a line at the default level.
                log.debug("auth: 403 {} from {}: unknown user '{}' ({})", request.method(), PeerText.of(from),
                        c.username(), f.reason());
            } else if (!hasHa1) {
                log.info("auth: 403 {} from {}: user '{}' ({}) has no {} HA1 configured but the phone answered {}"
                                + " (configure both HA1s)", request.method(), PeerText.of(from), user.authUser(),
                        user.aor(), c.algorithm().sameHash(DigestAlgorithm.MD5) ? "MD5" : "SHA-256",
                        c.algorithm().token());
            } else {
                log.info("auth: 403 {} from {}: user '{}' ({}): {}", request.method(), PeerText.of(from),
                        user.authUser(), user.aor(), f.reason());
            }
        } else if (o instanceof Outcome.Challenge ch) {
            log.debug("auth: re-challenge {} from {} user '{}' stale={}: {}", request.method(), PeerText.of(from),
                    c.username(), ch.stale(), ch.reason());
        } else if (log.isTraceEnabled()) {
            log.trace("auth: {} from {} authenticated as '{}' ({})", request.method(), PeerText.of(from),
                    user.authUser(), c.algorithm().token());
        }
    }

    private static boolean isDigest(String value) {
        String v = value.stripLeading();
        return v.regionMatches(true, 0, "Digest", 0, 6) && (v.length() == 6 || Character.isWhitespace(v.charAt(6)));
    }

    /**
     * The response for an outcome other than {@link Outcome.Authenticated}: 401/407 with one
     * challenge header per algorithm in preference order (RFC 8760 2.3: SHA-256 before MD5),
     * 403 "Forbidden", or 400.
     */
    public SipResponse reject(Outcome outcome, SipRequest request, String toTag, boolean proxy) {
        return switch (outcome) {
            case Outcome.Challenge c -> {
                List<String> values = digest.challengeHeaderValues(c.stale());
                String name = (proxy ? HeaderName.PROXY_AUTHENTICATE : HeaderName.WWW_AUTHENTICATE).canonical();
                HeaderField[] fields = new HeaderField[values.size()];
                for (int i = 0; i < fields.length; i++) fields[i] = new HeaderField(name, values.get(i));
                yield Responses.create(request, proxy ? 407 : 401,
                        proxy ? "Proxy Authentication Required" : "Unauthorized", toTag, fields);
            }
            case Outcome.Forbidden f -> Responses.create(request, 403, "Forbidden", toTag);
            case Outcome.BadRequest b -> Responses.create(request, 400, b.phrase(), toTag);
            case Outcome.Authenticated a -> throw new IllegalArgumentException("nothing to reject: " + a);
        };
    }
}
