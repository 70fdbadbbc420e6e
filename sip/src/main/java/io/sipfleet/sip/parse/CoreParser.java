package io.sipfleet.sip.parse;

import io.sipfleet.sip.message.CSeq;
import io.sipfleet.sip.message.CoreHeaders;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.RawMessage;
import io.sipfleet.sip.message.Via;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses and validates the core headers of a framed message in one pass over its header lines:
 * Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length, Contact, Route, Record-Route.
 * Via, From, To, Call-ID and CSeq are mandatory (RFC 3261 8.1.1); Max-Forwards is not, so that
 * RFC 2543 requests are still served (RFC 4475 3.4.1). Single-value headers that appear twice
 * are an error (RFC 4475 3.3.8).
 */
public final class CoreParser {
    private CoreParser() {}

    private static final int VIA = HeaderName.VIA.id(), FROM = HeaderName.FROM.id(), TO = HeaderName.TO.id(),
            CALL_ID = HeaderName.CALL_ID.id(), CSEQ = HeaderName.CSEQ.id(),
            MAX_FORWARDS = HeaderName.MAX_FORWARDS.id(), CONTENT_LENGTH = HeaderName.CONTENT_LENGTH.id(),
            CONTACT = HeaderName.CONTACT.id(), ROUTE = HeaderName.ROUTE.id(),
            RECORD_ROUTE = HeaderName.RECORD_ROUTE.id();

    public static CoreHeaders parse(RawMessage raw) throws SipParseException {
        return parse(raw, null, -1L, null);
    }

    /**
     * {@link #parse(RawMessage)} of a request whose top Via (the first value of its first Via
     * line) the transport parsed already to stamp it: {@code parsedTopVia} is taken as that value.
     */
    public static CoreHeaders parse(RawMessage raw, Via parsedTopVia) throws SipParseException {
        return parse(raw, null, -1L, parsedTopVia);
    }

    /**
     * Parses only the core headers whose id bit is set in {@code touched}, taking the others from
     * {@code previous}: an edited message re-parses what the edit changed, nothing else.
     */
    public static CoreHeaders parse(RawMessage raw, CoreHeaders previous, long touched) throws SipParseException {
        return parse(raw, previous, touched, null);
    }

    private static CoreHeaders parse(RawMessage raw, CoreHeaders previous, long touched, Via parsedTopVia)
            throws SipParseException {
        if (previous == null) touched = -1L;
        byte[] b = raw.array();
        // An edit re-parses only what it touched (often Max-Forwards alone): no lists for the rest.
        List<Via> vias = has(touched, VIA) ? new ArrayList<>(2) : null;
        List<NameAddr> one = has(touched, FROM) || has(touched, TO) ? new ArrayList<>(1) : null;
        List<NameAddr> contacts = null, routes = null, recordRoutes = null;
        NameAddr from = null, to = null;
        String callId = null;
        CSeq cseq = null;
        int maxForwards = -1, contentLength = -1;
        boolean star = false;
        for (int i = 0, n = raw.headerCount(); i < n; i++) {
            int id = raw.nameId(i);
            if (id < 0 || id > RECORD_ROUTE || (touched & (1L << id)) == 0) continue;
            int s = raw.valueStart(i), e = raw.valueEnd(i);
            if (id == VIA) {
                if (parsedTopVia != null && vias.isEmpty()) {
                    vias.add(parsedTopVia);
                    int comma = SipText.firstTopLevelComma(b, s, e);
                    if (comma >= 0) HeaderParsers.vias(b, comma + 1, e, vias);
                } else {
                    HeaderParsers.vias(b, s, e, vias);
                }
            } else if (id == FROM || id == TO) {
                if ((id == FROM ? from : to) != null) throw twice(raw, i);
                one.clear();
                HeaderParsers.nameAddrs(b, s, e, id == FROM ? "From" : "To", true, one);
                if (id == FROM) from = one.get(0); else to = one.get(0);
            } else if (id == CALL_ID) {
                if (callId != null) throw twice(raw, i);
                callId = HeaderParsers.callId(b, s, e);
            } else if (id == CSEQ) {
                if (cseq != null) throw twice(raw, i);
                cseq = HeaderParsers.cseq(b, s, e);
            } else if (id == MAX_FORWARDS) {
                if (maxForwards >= 0) throw twice(raw, i);
                maxForwards = (int) HeaderParsers.number(b, s, e, "Max-Forwards", 255);
            } else if (id == CONTENT_LENGTH) {
                // framing validated it already
                contentLength = (int) HeaderParsers.number(b, s, e, "Content-Length", Integer.MAX_VALUE);
            } else if (id == CONTACT) {
                if (e - s == 1 && b[s] == '*') {
                    if (star || contacts != null) throw new SipParseException(s, "Bad Contact: '*' must be the only Contact");
                    star = true;
                } else {
                    if (star) throw new SipParseException(s, "Bad Contact: '*' must be the only Contact");
                    if (contacts == null) contacts = new ArrayList<>(1);
                    HeaderParsers.nameAddrs(b, s, e, "Contact", false, contacts);
                }
            } else if (id == ROUTE) {
                if (routes == null) routes = new ArrayList<>(2);
                HeaderParsers.nameAddrs(b, s, e, "Route", false, routes);
            } else if (id == RECORD_ROUTE) {
                if (recordRoutes == null) recordRoutes = new ArrayList<>(2);
                HeaderParsers.nameAddrs(b, s, e, "Record-Route", false, recordRoutes);
            }
        }
        if (previous != null) {
            if (!has(touched, VIA)) vias = previous.vias();
            if (!has(touched, FROM)) from = previous.from();
            if (!has(touched, TO)) to = previous.to();
            if (!has(touched, CALL_ID)) callId = previous.callId();
            if (!has(touched, CSEQ)) cseq = previous.cseq();
            if (!has(touched, MAX_FORWARDS)) maxForwards = previous.maxForwards();
            if (!has(touched, CONTENT_LENGTH)) contentLength = previous.contentLength();
            if (!has(touched, CONTACT)) { contacts = previous.contacts(); star = previous.contactStar(); }
            if (!has(touched, ROUTE)) routes = previous.routes();
            if (!has(touched, RECORD_ROUTE)) recordRoutes = previous.recordRoutes();
        }
        if (vias == null || vias.isEmpty()) throw missing("Via");
        if (from == null) throw missing("From");
        if (to == null) throw missing("To");
        if (callId == null) throw missing("Call-ID");
        if (cseq == null) throw missing("CSeq");
        return new CoreHeaders(vias instanceof ArrayList<Via> ? Collections.unmodifiableList(vias) : vias, from, to, callId, cseq, maxForwards,
                contentLength, list(contacts), star, list(routes), list(recordRoutes));
    }

    private static List<NameAddr> list(List<NameAddr> l) {
        return l == null ? List.of() : l instanceof ArrayList<NameAddr> ? Collections.unmodifiableList(l) : l;
    }

    private static boolean has(long mask, int id) { return (mask & (1L << id)) != 0; }

    private static SipParseException missing(String name) {
        return new SipParseException(-1, "Missing " + name + " header");
    }

    private static SipParseException twice(RawMessage raw, int i) {
        return new SipParseException(raw.valueStart(i), "More than one " + raw.headerName(i).canonical() + " header");
    }
}
