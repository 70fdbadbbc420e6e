package io.sipfleet.sip.transport;

import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The echo role: the smallest SIP endpoint, used to measure the SIP path against Kamailio. It
 * keeps no state. OPTIONS gets 200 with what a UAS advertises (RFC 3261 11.2); REGISTER gets 200
 * listing the Contacts it asked for, each with its expires (RFC 3261 10.3 step 8), as if bound;
 * ACK gets nothing (17.1.1.3); any other method 501 with Allow (8.2.1). A Request-URI scheme
 * other than sip/sips/tel gets 416 (8.2.2.1, RFC 4475 "unksm"), a Require it does not know 420
 * with Unsupported (8.2.2.3). Checks run in the order of RFC 3261 8.2. Every response has a To tag.
 *
 * <p>As a {@link SipHandler} it answers statelessly through the {@link SipSender}, so a
 * retransmitted request is answered again; behind a transaction layer, {@link #answer} is the
 * transaction user's whole logic.
 */
public final class EchoHandler implements SipHandler {
    private static final Logger log = LoggerFactory.getLogger(EchoHandler.class);

    public static final String ALLOW = "OPTIONS, REGISTER, ACK";
    static final long DEFAULT_EXPIRES = 3600;
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final HeaderField SERVER = new HeaderField("Server", "sipfleet-echo");

    /** Date is formatted once per second, not once per REGISTER. */
    private record CachedDate(long second, String text) {}
    private static volatile CachedDate date = new CachedDate(-1, "");

    @Override public void onMessage(Inbound inbound, SipSender sender) {
        if (!(inbound.message() instanceof SipRequest request)) {
            log.debug("{} {}: ignoring a response from {}: the echo node sends no requests",
                    inbound.from().transport(), inbound.from().local(), inbound.from().remote());
            return;
        }
        SipResponse response = answer(request);
        if (response != null) sender.send(response, inbound.from()); // routed by its Via (18.2.2)
    }

    /** The response to {@code request}, or null for ACK. */
    public static SipResponse answer(SipRequest request) {
        String method = request.method();
        if (method.equals("ACK")) return null;
        String tag = Tags.next();
        if (!method.equals("OPTIONS") && !method.equals("REGISTER")) {
            return Responses.create(request, 501, "Not Implemented", tag, new HeaderField("Allow", ALLOW), SERVER);
        }
        String scheme = request.requestUri().scheme();
        if (!scheme.equals("sip") && !scheme.equals("sips") && !scheme.equals("tel")) {
            return Responses.create(request, 416, "Unsupported URI Scheme", tag, SERVER);
        }
        List<String> required = optionTags(request.headerValues(HeaderName.REQUIRE));
        if (!required.isEmpty()) {
            // This endpoint supports no extension: every required option tag is unsupported.
            return Responses.create(request, 420, "Bad Extension", tag,
                    new HeaderField("Unsupported", String.join(", ", required)), SERVER);
        }
        return method.equals("OPTIONS") ? options(request, tag) : register(request, tag);
    }

    private static SipResponse options(SipRequest request, String tag) {
        return Responses.create(request, 200, "OK", tag,
                new HeaderField("Allow", ALLOW),
                new HeaderField("Accept", "application/sdp"),
                new HeaderField("Accept-Encoding", "identity"),
                new HeaderField("Accept-Language", "en"),
                new HeaderField("Supported", ""), // no extension supported (RFC 3261 20.37 allows empty)
                SERVER);
    }

    private static SipResponse register(SipRequest request, String tag) {
        String toScheme = request.to().uri().scheme();
        if (!toScheme.equals("sip") && !toScheme.equals("sips")) {
            // RFC 3261 10.3 step 5 (RFC 4475 3.3.4 unksm2): an AoR is a SIP or SIPS URI.
            return Responses.create(request, 400, "To must be a SIP or SIPS URI", tag, SERVER);
        }
        long headerExpires = expiresHeader(request.header(HeaderName.EXPIRES));
        if (request.isContactStar()) {
            // RFC 3261 10.3 step 6: '*' removes all bindings and needs Expires: 0.
            if (headerExpires != 0) {
                return Responses.create(request, 400, "Invalid Request: Contact '*' requires Expires: 0", tag, SERVER);
            }
            return Responses.create(request, 200, "OK", tag, dateField(), SERVER);
        }
        StringBuilder contacts = new StringBuilder();
        for (NameAddr c : request.contacts()) {
            long expires = c.expires() >= 0 ? c.expires() : headerExpires >= 0 ? headerExpires : DEFAULT_EXPIRES;
            if (expires == 0) continue; // a removal: no longer bound, so not listed
            if (!contacts.isEmpty()) contacts.append(", ");
            c.withParam("expires", Long.toString(expires)).appendTo(contacts);
        }
        if (contacts.isEmpty()) return Responses.create(request, 200, "OK", tag, dateField(), SERVER);
        return Responses.create(request, 200, "OK", tag, new HeaderField("Contact", contacts.toString()),
                dateField(), SERVER);
    }

    /** Option tags of every Require line ("a, b" and repeated lines alike). */
    static List<String> optionTags(List<String> lines) {
        if (lines.isEmpty()) return List.of();
        List<String> out = new ArrayList<>(2);
        for (String line : lines) {
            for (String t : line.split(",")) {
                String tag = t.trim();
                if (!tag.isEmpty()) out.add(tag);
            }
        }
        return out;
    }

    /** The Expires header's delta-seconds, or -1 when absent or malformed. */
    static long expiresHeader(String v) {
        if (v == null || v.isEmpty() || v.length() > 10) return -1;
        for (int i = 0; i < v.length(); i++) if (!Character.isDigit(v.charAt(i))) return -1;
        return Long.parseLong(v);
    }

    private static HeaderField dateField() {
        long now = System.currentTimeMillis() / 1000;
        CachedDate d = date;
        if (d.second() != now) date = d = new CachedDate(now, DATE.format(Instant.ofEpochSecond(now)));
        return new HeaderField("Date", d.text());
    }
}
