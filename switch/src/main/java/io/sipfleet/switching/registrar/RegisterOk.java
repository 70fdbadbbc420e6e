package io.sipfleet.switching.registrar;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The 200 OK to a REGISTER (RFC 3261 10.3 step 8): every current binding of the AoR, one
 * {@code Contact: <uri>;expires=N} line each with the seconds left (and q when the UA gave one),
 * and a Date header, which lets simple UAs set their clock.
 */
final class RegisterOk {
    private RegisterOk() {}

    /** rfc1123-date (RFC 3261 25.1): always GMT, two-digit day, English names. */
    static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static final String CONTACT = HeaderName.CONTACT.canonical();

    static SipResponse create(SipRequest request, String toTag, List<Binding> bindings, long nowMillis) {
        return create(request, toTag, bindings, nowMillis, null);
    }

    /** {@code path}: the request's Path to echo (RFC 3327 5.3), or null. */
    static SipResponse create(SipRequest request, String toTag, List<Binding> bindings, long nowMillis, String path) {
        HeaderField[] fields = new HeaderField[bindings.size() + (path == null ? 1 : 2)];
        int i = 0;
        for (Binding b : bindings) fields[i++] = new HeaderField(CONTACT, contactValue(b, nowMillis));
        fields[i++] = new HeaderField(HeaderName.DATE.canonical(), DATE.format(Instant.ofEpochMilli(nowMillis)));
        if (path != null) fields[i] = new HeaderField(HeaderName.PATH.canonical(), path);
        return Responses.create(request, 200, "OK", toTag, fields);
    }

    static String contactValue(Binding b, long nowMillis) {
        StringBuilder sb = new StringBuilder(b.contact().length() + 24).append('<').append(b.contact())
                .append(">;expires=").append(b.remainingSeconds(nowMillis));
        if (b.q() != Binding.Q_ABSENT) sb.append(";q=").append(qText(b.q()));
        return sb.toString();
    }

    /** Thousandths as a qvalue: 1000 -> "1", 500 -> "0.5", 125 -> "0.125". */
    static String qText(int q) {
        if (q >= 1000) return "1";
        String frac = String.format(Locale.ROOT, "%03d", q).replaceAll("0+$", "");
        return frac.isEmpty() ? "0" : "0." + frac;
    }
}
