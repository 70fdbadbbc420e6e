package io.sipfleet.sip.parse;

import io.sipfleet.sip.message.CSeq;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.Params;
import io.sipfleet.sip.message.Via;
import java.util.List;

/**
 * Parsers for the header values the SIP core understands, working on byte ranges of the message
 * (RFC 3261 section 25.1 grammar, with the LWS tolerance section 7.3.1 demands). Each returns
 * a record or throws {@link SipParseException} naming the header and the problem.
 */
public final class HeaderParsers {
    private HeaderParsers() {}

    /** Via: one or more comma-separated values; appends to {@code out}. */
    public static void vias(byte[] b, int s, int e, List<Via> out) throws SipParseException {
        Scanner sc = new Scanner(b, s, e, "Via");
        do {
            String name = sc.token("protocol name");
            sc.expect('/', "after protocol name");
            String version = sc.token("protocol version");
            sc.expect('/', "after protocol version");
            String transport = sc.token("transport");
            String protocol = name.equals("SIP") && version.equals("2.0") ? "SIP/2.0" : name + "/" + version;
            int before = sc.pos;
            sc.skipLws();
            if (sc.pos == before) throw sc.error("expected white space before sent-by");
            int hs = sc.pos;
            if (sc.peek() == '[') {
                while (!sc.atEnd() && sc.peek() != ']') sc.pos++;
                if (sc.atEnd()) throw sc.error("IPv6 reference without ']'");
                sc.pos++;
            } else {
                while (!sc.atEnd() && Chars.isHost(sc.buf[sc.pos])) sc.pos++;
            }
            if (sc.pos == hs) throw sc.error("expected sent-by host");
            String host = sc.ascii(hs, sc.pos);
            int port = -1;
            if (sc.accept(':')) port = (int) sc.number("sent-by port", 65535);
            Params params = params(sc, true);
            out.add(new Via(protocol, upper(transport), host, port, params));
            sc.skipLws();
            if (sc.atEnd()) return;
            if (!sc.accept(',')) throw sc.error("expected ',' or ';' after Via value");
        } while (true);
    }

    /**
     * From/To/Contact/Route/Record-Route values. {@code single}: exactly one value (From, To);
     * otherwise comma-separated values are appended to {@code out}.
     */
    public static void nameAddrs(byte[] b, int s, int e, String what, boolean single, List<NameAddr> out)
            throws SipParseException {
        Scanner sc = new Scanner(b, s, e, what);
        do {
            out.add(nameAddr(sc));
            sc.skipLws();
            if (sc.atEnd()) return;
            if (sc.peek() == ',' && single) throw sc.error("more than one value in a single-value header");
            if (!sc.accept(',')) throw sc.error("expected ',' or ';' after value");
        } while (true);
    }

    private static NameAddr nameAddr(Scanner sc) throws SipParseException {
        sc.skipLws();
        if (sc.atEnd()) throw sc.error("empty value");
        String display = null;
        int c = sc.peek();
        if (c == '"') {
            display = sc.quoted("display name");
            sc.skipLws();
            if (sc.peek() != '<') throw sc.error("expected '<' after quoted display name");
        } else if (c != '<') {
            // Either *(token LWS) followed by '<' (a display name), or a bare addr-spec.
            int ds = sc.pos, lastEnd = sc.pos, p = sc.pos;
            while (p < sc.end && (Chars.isToken(sc.buf[p]) || Chars.isLws(sc.buf[p]))) {
                if (Chars.isToken(sc.buf[p])) lastEnd = p + 1;
                p++;
            }
            if (p < sc.end && sc.buf[p] == '<' && lastEnd > ds) {
                display = sc.text(ds, lastEnd);
                sc.pos = p;
            } else if (p < sc.end && sc.buf[p] != ':' && lastEnd > ds && hasAngleAfter(sc, p)) {
                sc.pos = p;
                throw sc.error("display name with characters other than tokens must be quoted");
            }
        }
        int us, ue;
        if (sc.peek() == '<') {
            us = ++sc.pos;
            while (!sc.atEnd() && sc.peek() != '>') sc.pos++;
            if (sc.atEnd()) throw new SipParseException(us - 1, "Bad " + sc.what + ": '<' without '>'");
            if (us < sc.pos && (Chars.isLws(sc.buf[us]) || Chars.isLws(sc.buf[sc.pos - 1]))) {
                throw new SipParseException(us, "Bad " + sc.what + ": white space inside < >");
            }
            UriParser.validate(sc.buf, us, sc.pos, sc.what);
            ue = sc.pos;
            sc.pos++;
        } else {
            // addr-spec: its ';' parameters belong to the header (RFC 3261 20.10), so the URI
            // ends at ';', ',' or white space, and may not carry '?' headers.
            us = sc.pos;
            while (!sc.atEnd() && !Chars.isLws(sc.buf[sc.pos]) && sc.peek() != ';' && sc.peek() != ',') {
                if (sc.peek() == '?') throw sc.error("a URI with headers must be enclosed in < >");
                sc.pos++;
            }
            UriParser.validate(sc.buf, us, sc.pos, sc.what);
            ue = sc.pos;
        }
        return NameAddr.ofValidated(display, sc.buf, us, ue, params(sc, false));
    }

    private static boolean hasAngleAfter(Scanner sc, int p) {
        for (int i = p; i < sc.end; i++) if (sc.buf[i] == '<') return true;
        return false;
    }

    private static String upper(String transport) {
        for (int i = 0; i < transport.length(); i++) {
            char c = transport.charAt(i);
            if (c >= 'a' && c <= 'z') return transport.toUpperCase(java.util.Locale.ROOT);
        }
        return transport; // usually already upper case, and then a shared token
    }

    /** *( SEMI generic-param ); gen-value = token / host / quoted-string. */
    private static Params params(Scanner sc, boolean via) throws SipParseException {
        sc.skipLws();
        if (sc.peek() != ';') return Params.EMPTY;
        Params.Builder pb = new Params.Builder();
        while (sc.accept(';')) {
            String name = sc.token("parameter name after ';'");
            String value = null;
            if (sc.accept('=')) {
                sc.skipLws();
                int c = sc.peek();
                if (c == '"') {
                    int qs = sc.pos;
                    sc.quoted("parameter " + name);
                    value = sc.text(qs, sc.pos);
                } else {
                    int vs = sc.pos;
                    if (c == '[') {
                        while (!sc.atEnd() && sc.peek() != ']') sc.pos++;
                        if (sc.atEnd()) throw sc.error("IPv6 reference without ']' in parameter " + name);
                        sc.pos++;
                    } else {
                        // ':' admits an unbracketed IPv6 received= (RFC 5118 4.5)
                        while (!sc.atEnd() && (Chars.isToken(sc.buf[sc.pos]) || sc.peek() == ':'
                                || sc.peek() == '[' || sc.peek() == ']')) sc.pos++;
                    }
                    if (sc.pos == vs) throw sc.error("empty value for parameter " + name);
                    value = sc.ascii(vs, sc.pos);
                }
            }
            if (via && pb.has(name) && name.equalsIgnoreCase("branch")) throw sc.error("second branch parameter");
            pb.add(name, value);
        }
        return pb.build();
    }

    public static CSeq cseq(byte[] b, int s, int e) throws SipParseException {
        Scanner sc = new Scanner(b, s, e, "CSeq");
        long seq = sc.number("CSeq sequence number", CSeq.MAX);
        int before = sc.pos;
        sc.skipLws();
        if (sc.pos == before) throw sc.error("expected white space between number and method");
        String method = Methods.intern(b, sc.pos, endOfToken(sc));
        sc.skipLws();
        if (!sc.atEnd()) throw sc.error("unexpected text after method");
        return new CSeq(seq, method);
    }

    private static int endOfToken(Scanner sc) throws SipParseException {
        int s = sc.pos;
        while (!sc.atEnd() && Chars.isToken(sc.buf[sc.pos])) sc.pos++;
        if (sc.pos == s) throw sc.error("expected method");
        return sc.pos;
    }

    /** A non-negative decimal value of a single-value header (Max-Forwards, Expires ...). */
    public static long number(byte[] b, int s, int e, String what, long max) throws SipParseException {
        Scanner sc = new Scanner(b, s, e, what);
        long v = sc.number(what + " value", max);
        sc.skipLws();
        if (!sc.atEnd()) throw sc.error("unexpected text after number");
        return v;
    }

    /** Call-ID = word [ "@" word ]. */
    public static String callId(byte[] b, int s, int e) throws SipParseException {
        Scanner sc = new Scanner(b, s, e, "Call-ID");
        int at = -1;
        for (int i = s; i < e; i++) {
            if (b[i] == '@' && at < 0 && i > s) { at = i; continue; }
            if (!Chars.isWord(b[i])) {
                sc.pos = i;
                throw sc.error("character not allowed in Call-ID");
            }
        }
        if (s == e || at == e - 1) throw sc.error("empty Call-ID");
        return sc.ascii(s, e);
    }
}
