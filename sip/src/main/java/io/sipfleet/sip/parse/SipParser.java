package io.sipfleet.sip.parse;

import io.sipfleet.sip.message.CoreHeaders;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.Params;
import io.sipfleet.sip.message.RawMessage;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.message.Via;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Parses one SIP message (RFC 3261 section 7 and 25): frames the start line, the header lines
 * (folding and LWS around ':' allowed, compact names recognised) and the body by
 * Content-Length; then parses and validates the core headers (see {@link CoreParser}). Other
 * headers stay bytes until asked for.
 *
 * <p>Datagram rules (18.3, RFC 4475 3.1.1.8 and 3.4.1): the body is Content-Length bytes and any
 * further octets are ignored; without Content-Length the body is the rest of the datagram; a
 * Content-Length larger than what arrived is an error. Stream rule: the caller hands over exactly
 * one framed message (the TCP framer of the transport package); no Content-Length means an empty
 * body.
 *
 * <p>Offsets in errors count from the first byte of the message (after leading CRLFs).
 */
public final class SipParser {
    private SipParser() {}

    /** Most header lines a message may have: a guard against header floods. */
    public static final int MAX_HEADERS = 256;

    public static SipMessage parse(byte[] message) throws SipParseException {
        return parseDatagram(message, 0, message.length);
    }

    public static SipMessage parse(String message) throws SipParseException {
        return parse(message.getBytes(StandardCharsets.UTF_8));
    }

    public static SipMessage parseDatagram(byte[] in, int off, int len) throws SipParseException {
        return parse(in, off, len, true);
    }

    public static SipMessage parseStream(byte[] in, int off, int len) throws SipParseException {
        return parse(in, off, len, false, false, null);
    }

        /**
     * What a transport calls on what it received: {@code owned[0, len)} is one datagram
     * ({@code datagram}) or one framed stream message, in an array that becomes the message's
     * (nobody else may hold it). Before the other headers are parsed, {@code stampTopVia} may
     * rewrite a request's top Via (received/rport, RFC 3261 18.2.1, RFC 3581 4; it returns its
     * argument when nothing changes): the new value is written into the array itself when it has
     * room past {@code len} (the datagram path leaves some), so the stamped request is not a copy
     * of the one received. A top Via that does not parse is left alone: the full parse reports it.
     */
    public static SipMessage parseReceived(byte[] owned, int len, boolean datagram, UnaryOperator<Via> stampTopVia)
            throws SipParseException {
        return parse(owned, 0, len, datagram, true, stampTopVia);
    }

    private static SipMessage parse(byte[] in, int off, int len, boolean datagram) throws SipParseException {
        return parse(in, off, len, datagram, false, null);
    }

    private static SipMessage parse(byte[] in, int off, int len, boolean datagram, boolean owned,
            UnaryOperator<Via> stampTopVia) throws SipParseException {
        int end = off + len, start = off;
        while (start < end && (in[start] == '\r' || in[start] == '\n')) start++;
        if (start == end) throw new SipParseException(-1, "Empty message (only line breaks)", 0, null);
        RawMessage raw = frame(in, start, end, datagram, owned);
        boolean response = raw.isResponseLine();
        Via top = null; // the request's top Via, parsed (and stamped) already: not parsed again
        if (!response && stampTopVia != null) {
            Stamped st = stamped(raw, stampTopVia, raw.array() == in);
            raw = st.raw();
            top = st.top();
        }
        try {
            return response ? response(raw) : request(raw, top);
        } catch (SipParseException e) {
            throw e.withFramed(raw, response ? 0 : e.statusCode());
        }
    }

    /** The message after the stamp, and its top Via as parsed and stamped (null: it did not parse). */
    private record Stamped(RawMessage raw, Via top) {}

    /** {@code raw} with its top Via value replaced by what {@code stamp} makes of it, or {@code raw}. */
    private static Stamped stamped(RawMessage raw, UnaryOperator<Via> stamp, boolean reuse) {
        int line = raw.indexOf(HeaderName.VIA);
        if (line < 0) return new Stamped(raw, null);
        byte[] b = raw.array();
        int vs = raw.valueStart(line), ve = raw.valueEnd(line);
        int comma = SipText.firstTopLevelComma(b, vs, ve);
        int e = comma >= 0 ? comma : ve;
        List<Via> top = new ArrayList<>(1);
        try {
            HeaderParsers.vias(b, vs, e, top);
        } catch (SipParseException bad) {
            return new Stamped(raw, null);
        }
        Via via = top.get(0), out = stamp.apply(via);
        if (out == via) return new Stamped(raw, via);
        int end = trimLws(b, vs, e), from = stampPoint(b, vs, end, via, out);
        byte[] splice = from >= 0 ? stampBytes(b, from, end, via, out) : null;
        if (splice != null) return new Stamped(raw.withValueSpliced(line, from, end, splice, reuse), out);
        return new Stamped(raw.withValueSpliced(line, vs, e, out.toString().getBytes(StandardCharsets.UTF_8), reuse), out);
    }

    /**
     * Where the bytes of {@code via} (its value is {@code b[vs, e)}, trailing LWS trimmed) must change to read as
     * {@code out}, when {@code out} only gives one valueless parameter a value (rport) and appends
     * parameters (received): the end of that parameter's name, or the end of the value when only
     * appending. -1 for any other change: the caller writes {@code out} whole. What a transport
     * stamps on nearly every request, as a splice of a few bytes instead of the Via rendered
     * again (a StringBuilder, the String and its bytes per request).
     */
    private static int stampPoint(byte[] b, int vs, int e, Via via, Via out) {
        if (!via.protocol().equals(out.protocol()) || !via.transport().equals(out.transport())
                || !via.host().equals(out.host()) || via.port() != out.port()) return -1;
        Params p = via.params(), q = out.params();
        if (q.size() < p.size()) return -1;
        int filled = -1;
        for (int i = 0; i < p.size(); i++) {
            if (!p.name(i).equals(q.name(i))) return -1;
            String pv = p.value(i), qv = q.value(i);
            if (java.util.Objects.equals(pv, qv)) continue;
            if (pv != null || qv == null || filled >= 0) return -1;
            filled = i;
        }
        if (filled < 0) return e;
        // The end of parameter number 'filled' (valueless) in the bytes: params are ';'-separated,
        // values are tokens, hosts or quoted strings (skipped whole).
        int k = -1;
        for (int i = vs; i < e; i++) {
            byte c = b[i];
            if (c == '"') {
                for (i++; i < e && b[i] != '"'; i++) if (b[i] == '\\') i++;
                continue;
            }
            if (c != ';' || ++k != filled) continue;
            int ns = skipLws(b, i + 1, e), ne = ns;
            while (ne < e && Chars.isToken(b[ne])) ne++;
            if (ne - ns != p.name(filled).length()) return -1;
            int after = skipLws(b, ne, e);
            return after == e || b[after] == ';' ? ne : -1;
        }
        return -1;
    }

    /**
     * The bytes replacing {@code b[from, end)} per {@link #stampPoint}: the filled value, the
     * middle as written, the appended parameters, written straight into one array (no builder per
     * request); null when a new value is not ASCII (then the caller writes the Via whole, as UTF-8).
     */
    private static byte[] stampBytes(byte[] b, int from, int end, Via via, Via out) {
        Params p = via.params(), q = out.params();
        int filled = -1, size = end - from;
        for (int i = 0; i < p.size(); i++) {
            if (p.value(i) == null && q.value(i) != null) {
                filled = i;
                size += 1 + q.value(i).length();
            }
        }
        for (int i = p.size(); i < q.size(); i++) {
            size += 1 + q.name(i).length() + (q.value(i) == null ? 0 : 1 + q.value(i).length());
        }
        byte[] v = new byte[size];
        int k = 0;
        if (filled >= 0) {
            v[k++] = '=';
            if ((k = ascii(q.value(filled), v, k)) < 0) return null;
        }
        System.arraycopy(b, from, v, k, end - from);
        k += end - from;
        for (int i = p.size(); i < q.size(); i++) {
            v[k++] = ';';
            if ((k = ascii(q.name(i), v, k)) < 0) return null;
            if (q.value(i) == null) continue;
            v[k++] = '=';
            if ((k = ascii(q.value(i), v, k)) < 0) return null;
        }
        return v;
    }

    /** Writes printable ASCII {@code s} into {@code v} at {@code k}; the index after it, or -1 for any other character. */
    private static int ascii(String s, byte[] v, int k) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) return -1;
            v[k++] = (byte) c;
        }
        return k;
    }

    /**
     * Each thread's line index under construction; the message gets an exact copy. (A fresh
     * array per message sized for 16 lines was a twentieth of what a call allocated.)
     */
    private static final FastThreadLocal<int[]> INDEX_SCRATCH = new FastThreadLocal<>() {
        @Override protected int[] initialValue() { return new int[32 * 5]; }
    };

    private static RawMessage frame(byte[] in, int start, int end, boolean datagram, boolean owned)
            throws SipParseException {
        int sl = lineEnd(in, start, end);
        if (sl == end) throw new SipParseException(0, "No line break after the start line", 0, null);
        int[] idx = INDEX_SCRATCH.get();
        int n = 0, q = next(in, sl), bodyStart = -1, clIndex = -1;
        String framingError = null;
        int errorAt = 0;
        while (q < end) {
            byte c = in[q];
            if (c == '\r' && q + 1 < end && in[q + 1] == '\n') { bodyStart = q + 2; break; }
            if (c == '\n') { bodyStart = q + 1; break; }
            int le = lineEnd(in, q, end);
            if (c == ' ' || c == '\t') {
                // A folded line continues the previous header's value (RFC 3261 7.3.1).
                if (n == 0) { framingError = "Folded line before the first header"; errorAt = q; break; }
                int ve = trimEnd(in, q, le);
                if (ve > q) {
                    int k = (n - 1) * 5;
                    if (idx[k + 3] == idx[k + 4]) idx[k + 3] = skipWs(in, q, le);
                    idx[k + 4] = ve;
                }
                q = next(in, le);
                continue;
            }
            int ns = q;
            while (q < le && Chars.isToken(in[q])) q++;
            int ne = q;
            while (q < le && (in[q] == ' ' || in[q] == '\t')) q++;
            if (ne == ns || q == le || in[q] != ':') {
                framingError = ne == ns ? "Header line does not start with a name" : "Header line without ':'";
                errorAt = ns;
                break;
            }
            if (n == MAX_HEADERS) { framingError = "More than " + MAX_HEADERS + " header lines"; errorAt = ns; break; }
            int vs = skipWs(in, q + 1, le), ve = trimEnd(in, vs, le);
            if (n * 5 == idx.length) INDEX_SCRATCH.set(idx = Arrays.copyOf(idx, idx.length * 2));
            HeaderName name = HeaderName.lookup(in, ns, ne);
            int id = name == null ? -1 : name.id();
            if (id == HeaderName.CONTENT_LENGTH.id()) {
                if (clIndex >= 0) { framingError = "More than one Content-Length header"; errorAt = ns; }
                clIndex = n;
            }
            int k = n * 5;
            idx[k] = id; idx[k + 1] = ns; idx[k + 2] = ne; idx[k + 3] = vs; idx[k + 4] = ve;
            n++;
            q = next(in, le);
        }
        int msgEnd = end;
        if (bodyStart < 0 && framingError == null) {
            framingError = "Header section not terminated by an empty line";
            errorAt = end;
            bodyStart = end;
        }
        if (framingError == null && clIndex >= 0) {
            int vs = idx[clIndex * 5 + 3], ve = idx[clIndex * 5 + 4];
            long cl = -1;
            if (ve > vs && ve - vs <= 9) {
                cl = 0;
                for (int i = vs; i < ve && cl >= 0; i++) cl = Chars.isDigit(in[i]) ? cl * 10 + in[i] - '0' : -1;
            }
            if (cl < 0) {
                framingError = "Bad Content-Length: '" + new String(in, vs, ve - vs, StandardCharsets.UTF_8)
                        + "' is not a non-negative number";
                errorAt = vs;
            } else if (bodyStart + cl > end) {
                if (datagram) {
                    framingError = "Content-Length " + cl + " exceeds the " + (end - bodyStart) + " body bytes received";
                    errorAt = vs;
                } else {
                    framingError = "Content-Length " + cl + " exceeds the framed message";
                }
            } else {
                msgEnd = (int) (bodyStart + cl);
            }
        } else if (framingError == null && !datagram) {
            msgEnd = bodyStart;
        }
        idx = Arrays.copyOf(idx, n * 5); // the message's own, exactly as long as its lines need
        RawMessage raw = own(in, start, sl, idx, n, bodyStart, framingError == null ? msgEnd : end, owned);
        if (framingError != null) {
            throw new SipParseException(errorAt - start, framingError, raw.isResponseLine() ? 0 : 400, raw);
        }
        return raw;
    }

    /**
     * The message as its own array, offsets rebased to 0. No copy when it already is one, or when
     * the caller handed the array over ({@code owned}: bytes past the message are then ignored).
     */
    private static RawMessage own(byte[] in, int start, int sl, int[] idx, int n, int bodyStart, int msgEnd,
            boolean owned) {
        if (start == 0 && (msgEnd == in.length || owned)) return new RawMessage(in, sl, idx, n, bodyStart, msgEnd);
        byte[] buf = Arrays.copyOfRange(in, start, msgEnd);
        for (int k = 0; k < n * 5; k += 5) {
            idx[k + 1] -= start; idx[k + 2] -= start; idx[k + 3] -= start; idx[k + 4] -= start;
        }
        return new RawMessage(buf, sl - start, idx, n, bodyStart - start, msgEnd - start);
    }

    private static SipRequest request(RawMessage raw, Via parsedTopVia) throws SipParseException {
        byte[] b = rawBytes(raw);
        int sl = raw.startLineEnd();
        int p = 0;
        while (p < sl && Chars.isToken(b[p])) p++;
        if (p == 0) throw new SipParseException(0, "Request line does not start with a method");
        if (p == sl || b[p] != ' ') throw new SipParseException(p, "Expected one SP after the method");
        String method = Methods.intern(b, 0, p);
        int us = p + 1;
        if (us < sl && (b[us] == ' ' || b[us] == '\t')) {
            throw new SipParseException(us, "More than one SP between method and Request-URI");
        }
        int lastSp = sl - 1;
        while (lastSp > us && b[lastSp] != ' ') lastSp--;
        if (lastSp <= us) throw new SipParseException(us, "Request line without SIP version");
        if (lastSp == sl - 1) throw new SipParseException(lastSp, "White space after the SIP version in the request line");
        checkVersion(b, lastSp + 1, sl);
        for (int i = us; i < lastSp; i++) {
            if (b[i] == ' ' || b[i] == '\t') throw new SipParseException(i, "Request-URI contains white space");
        }
        if (b[us] == '<') throw new SipParseException(us, "Request-URI must not be enclosed in < >");
        Uri uri = UriParser.parse(b, us, lastSp, "Request-URI");
        if (uri instanceof SipUri s && s.headers() != null) {
            throw new SipParseException(us, "Request-URI must not contain headers ('?')");
        }
        CoreHeaders core = CoreParser.parse(raw, parsedTopVia);
        if (!core.cseq().method().equals(method)) {
            // RFC 4475 3.1.2.18: 501 is preferred when the method itself is unknown.
            throw new SipParseException(-1, "CSeq method " + core.cseq().method()
                    + " does not match request method " + method, Methods.isKnown(method) ? 400 : 501, null);
        }
        return new SipRequest(raw, core, method, uri);
    }

    private static SipResponse response(RawMessage raw) throws SipParseException {
        byte[] b = rawBytes(raw);
        int sl = raw.startLineEnd();
        int p = 0;
        while (p < sl && b[p] != ' ') p++;
        checkVersion(b, 0, p);
        int cs = p + 1, ce = cs;
        while (ce < sl && Chars.isDigit(b[ce])) ce++;
        if (ce - cs != 3 || (ce < sl && b[ce] != ' ')) {
            throw new SipParseException(cs, "Status code is not three digits", 0, null);
        }
        int code = (b[cs] - '0') * 100 + (b[cs + 1] - '0') * 10 + (b[cs + 2] - '0');
        if (code < 100) throw new SipParseException(cs, "Status code below 100", 0, null);
        String reason = ce < sl ? new String(b, ce + 1, sl - ce - 1, StandardCharsets.UTF_8) : "";
        return new SipResponse(raw, CoreParser.parse(raw), code, reason);
    }

    private static void checkVersion(byte[] b, int s, int e) throws SipParseException {
        if (e - s == 7 && b[s] == 'S' && b[s + 1] == 'I' && b[s + 2] == 'P' && b[s + 3] == '/'
                && b[s + 4] == '2' && b[s + 5] == '.' && b[s + 6] == '0') return;
        String v = new String(b, s, e - s, StandardCharsets.UTF_8);
        if (v.regionMatches(true, 0, "SIP/", 0, 4)) {
            throw new SipParseException(s, "SIP version " + v.substring(4) + " not supported", 505, null);
        }
        throw new SipParseException(s, "Bad SIP version '" + v + "'");
    }

    private static byte[] rawBytes(RawMessage raw) { return raw.array(); }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL, ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;

    /**
     * Index of the CRLF (or lone LF) ending the line that starts at {@code p}, or {@code end}.
     * Looks for LF eight bytes at a time (SWAR: the lowest byte flagged by the zero-byte test is
     * exact): finding line ends is most of the work of framing a message.
     */
    static int lineEnd(byte[] b, int p, int end) {
        int lf = -1;
        for (; p + 8 <= end; p += 8) {
            long x = (long) LONGS.get(b, p) ^ LFS;
            long t = (x - ONES) & ~x & HIGHS;
            if (t != 0) { lf = p + (Long.numberOfTrailingZeros(t) >>> 3); break; }
        }
        if (lf < 0) {
            while (p < end && b[p] != '\n') p++;
            if (p == end) return end;
            lf = p;
        }
        return lf > 0 && b[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** Start of the next line after a line end at {@code le} (CRLF, or a lone LF). */
    private static int next(byte[] b, int le) {
        if (le < b.length && b[le] == '\r') le++;
        if (le < b.length && b[le] == '\n') le++;
        return le;
    }

    private static int skipWs(byte[] b, int p, int e) {
        while (p < e && (b[p] == ' ' || b[p] == '\t')) p++;
        return p;
    }

    /** Skips linear white space, folds (CR, LF) included: inside a value they are LWS. */
    private static int skipLws(byte[] b, int p, int e) {
        while (p < e && Chars.isLws(b[p])) p++;
        return p;
    }

    /** The end of {@code b[s, e)} without trailing LWS (a fold before a comma included). */
    private static int trimLws(byte[] b, int s, int e) {
        while (e > s && Chars.isLws(b[e - 1])) e--;
        return e;
    }

    private static int trimEnd(byte[] b, int s, int e) {
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) e--;
        return e;
    }
}
