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
        fields[i++] = new HeaderField(HeaderName.DATE.canonical(), date(nowMillis));
        if (path != null) fields[i] = new HeaderField(HeaderName.PATH.canonical(), path);
        return Responses.create(request, 200, "OK", toTag, fields);
    }

    /** The Date text of one second, formatted once: a busy registrar answers thousands per second. */
    private record DateText(long epochSecond, String text) {}

    private static volatile DateText lastDate = new DateText(Long.MIN_VALUE, "");

    static String date(long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000);
        DateText d = lastDate;
        if (d.epochSecond() != second) {
            d = new DateText(second, DATE.format(Instant.ofEpochSecond(second)));
            lastDate = d; // racing threads format the same second: either result is right
        }
        return d.text();
    }

    static String contactValue(Binding b, long nowMillis) {
        // A concatenation sizes its one array exactly; a builder would add its own and a copy.
        return b.q() == Binding.Q_ABSENT ? "<" + b.contact() + ">;expires=" + b.remainingSeconds(nowMillis)
                : "<" + b.contact() + ">;expires=" + b.remainingSeconds(nowMillis) + ";q=" + qText(b.q());
    }

    /** Thousandths as a qvalue: 1000 -> "1", 500 -> "0.5", 125 -> "0.125". */
    static String qText(int q) {
        if (q >= 1000) return "1";
        if (q <= 0) return "0";
        // Three digits, trailing zeros dropped (no format string or regex per 200 OK).
        char[] digits = {(char) ('0' + q / 100), (char) ('0' + q / 10 % 10), (char) ('0' + q % 10)};
        int len = 3;
        while (digits[len - 1] == '0') len--;
        return "0." + new String(digits, 0, len);
    }
}
