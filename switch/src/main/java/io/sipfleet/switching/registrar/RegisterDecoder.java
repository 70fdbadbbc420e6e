package io.sipfleet.switching.registrar;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.RegisterRequest;
import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.routing.PathSet;
import io.sipfleet.switching.auth.PeerText;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 3261 10.3 steps 6 and 7 up to the store: turns the Contacts of an authenticated REGISTER
 * into a {@link RegisterRequest} (lifetimes decided, flow recorded), or the error to answer.
 * The Call-ID/CSeq ordering and the binding updates themselves are the store's, atomically.
 */
final class RegisterDecoder {
    private RegisterDecoder() {}

    /** User-Agent is for operators only: a few hundred thousand bindings must not hold kilobytes each. */
    static final int MAX_USER_AGENT = 128;
    /** A Path of a few edge proxies fits easily; anything longer is refused, not stored. */
    static final int MAX_PATH = 1024;

    sealed interface Decoded {}

    record Valid(RegisterRequest request) implements Decoded {}

    /** {@code result}: the {@link RegistrarEvents} constant to report. */
    record Invalid(int code, String reason, String result, HeaderField... extra) implements Decoded {}

    static Decoded decode(SipRequest r, Peer from, RegistrarSettings s, long nowMillis) {
        long headerExpires = delta(r.header(HeaderName.EXPIRES));
        Flow flow = flow(from);
        String ua = r.header(HeaderName.USER_AGENT);
        if (ua != null && ua.length() > MAX_USER_AGENT) ua = ua.substring(0, MAX_USER_AGENT);
        long cseq = r.cseq().seq();
        // RFC 3327: the Path the edge proxies added (first = nearest us), kept with the bindings;
        // requests for them carry it as their route set.
        // Most REGISTERs carry no Path: no list built for them.
        String path = r.indexOf(HeaderName.PATH) < 0 ? null : String.join(", ", r.headerValues(HeaderName.PATH)).strip();
        if (path != null && path.isEmpty()) path = null;
        if (path != null) {
            if (path.length() > MAX_PATH) return new Invalid(400, "Path Too Long", RegistrarEvents.BAD_REQUEST);
            try {
                PathSet.parse(path);
            } catch (SipParseException e) {
                return new Invalid(400, "Bad Path", RegistrarEvents.BAD_REQUEST);
            }
        }
        if (r.isContactStar()) {
            // Step 6: "*" only with Expires: 0 (the parser already refused it next to other Contacts).
            if (headerExpires != 0) {
                return new Invalid(400, "Contact: * requires Expires: 0", RegistrarEvents.BAD_REQUEST);
            }
            return new Valid(new RegisterRequest(r.callId(), cseq, true, List.of(), flow, ua, s.memberId(), path,
                    s.maxBindingsPerAor(), nowMillis));
        }
        List<ContactUpdate> updates = new ArrayList<>(r.contacts().size());
        for (NameAddr c : r.contacts()) {
            if (!(c.uri() instanceof SipUri uri)) {
                // We could never send a request there (RFC 3261 10.2.1 allows other schemes, but
                // a SIP switch binds only what it can reach).
                String scheme = c.uri().scheme();
                if (scheme.length() > 32) scheme = scheme.substring(0, 32) + "...";
                return new Invalid(400, "Bad Contact: scheme '" + scheme + "' is not sip or sips",
                        RegistrarEvents.BAD_REQUEST);
            }
            // Step 7: the contact's expires parameter, else the Expires header, else our default.
            long asked = delta(c.params().get("expires"));
            if (asked < 0) asked = headerExpires;
            if (asked < 0) asked = s.defaultExpiresSeconds();
            if (asked > 0 && asked < s.minExpiresSeconds()) {
                return new Invalid(423, "Interval Too Brief", RegistrarEvents.INTERVAL_TOO_BRIEF,
                        new HeaderField(HeaderName.MIN_EXPIRES.canonical(), Integer.toString(s.minExpiresSeconds())));
            }
            int granted = (int) Math.min(asked, s.maxExpiresSeconds()); // a registrar MAY shorten (10.2.1.1)
            int q = c.q();
            String instance = c.params().has("+sip.instance") ? c.params().getUnquoted("+sip.instance") : null;
            int regId = instance == null ? Binding.NO_REG_ID : regId(c.params().get("reg-id"));
            // The binding key is the URI alone, as written: header parameters (expires, q, and
            // cparam01's unknownparam) are not part of it, URI parameters (cparam02) and escaped
            // headers (regescrt) are.
            updates.add(new ContactUpdate(uri.toString(), granted, q < 0 ? Binding.Q_ABSENT : q, instance, regId));
        }
        return new Valid(new RegisterRequest(r.callId(), cseq, false, updates, flow, ua, s.memberId(), path,
                s.maxBindingsPerAor(), nowMillis));
    }

    /**
     * delta-seconds (RFC 3261 20.19, 25.1): -1 when absent or malformed (then the next source
     * of a lifetime applies, as 20.19 treats a malformed value like an absent one's 3600).
     * Values past 2^32-1 are clamped, not refused: the maximum shortens them anyway.
     */
    static long delta(String v) {
        if (v == null) return -1;
        v = v.strip();
        if (v.isEmpty()) return -1;
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return -1;
        return v.length() > 10 ? 0xFFFF_FFFFL : Math.min(Long.parseLong(v), 0xFFFF_FFFFL);
    }

    private static int regId(String v) {
        long n = delta(v);
        return n >= 1 && n <= Integer.MAX_VALUE ? (int) n : Binding.NO_REG_ID; // RFC 5626: 1..2^31-1
    }

    /**
     * Where the REGISTER really came from (the packet's source, which the Via received/rport
     * stamping also records, RFC 3581) and the listener it arrived on. Behind NAT the Contact
     * names a private address; requests for the AoR must go to this flow instead.
     */
    static Flow flow(Peer from) {
        InetSocketAddress remote = from.remote(), local = from.local();
        String localIp = local == null || local.getAddress() == null ? "0.0.0.0" : PeerText.ip(local.getAddress());
        return new Flow(from.transport(), PeerText.ip(remote.getAddress()), remote.getPort(), localIp,
                local == null ? 0 : local.getPort());
    }
}
