package io.sipfleet.sip.message;

import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.nio.charset.StandardCharsets;

/**
 * Responses built from a request as RFC 3261 8.2.6.2 says: Via lines, From, Call-ID and CSeq
 * copied byte for byte, To copied with a tag added (except for 100 Trying), Content-Length 0
 * unless a body is given. Works on a request that failed to parse too ({@link RawMessage}), so a
 * malformed request still gets its 400.
 */
public final class Responses {
    private Responses() {}

    private static final int VIA = HeaderName.VIA.id(), FROM = HeaderName.FROM.id(), TO = HeaderName.TO.id(),
            CALL_ID = HeaderName.CALL_ID.id(), CSEQ = HeaderName.CSEQ.id();

    public static SipResponse create(SipRequest request, int code, String reason, String toTag,
                                     HeaderField... extra) {
        return create(request, code, reason, toTag, null, null, extra);
    }

    public static SipResponse create(SipRequest request, int code, String reason, String toTag,
                                     String contentType, byte[] body, HeaderField... extra) {
        String tag = toTag != null && request.to().tag() == null && code > 100 ? toTag : null;
        Writer w = new Writer(capacity(request, reason, tag, contentType, body, extra),
                request.headerCount() + extra.length + 2);
        write(w, request, code, reason, tag, contentType, body, extra);
        RawMessage raw = new RawMessage(w.exact(), w.startLineEnd, w.index, w.lines, w.bodyStart, w.len);
        // Via, From, To, Call-ID and CSeq were copied from a request already parsed: reused, not
        // parsed again. Only core headers among the extras (the Contacts of a REGISTER's 200 or of
        // a 302) are parsed.
        CoreHeaders core = new CoreHeaders(request.vias(), request.from(),
                tag == null ? request.to() : request.to().withTag(tag), request.callId(), request.cseq(), -1,
                body == null ? 0 : body.length, java.util.List.of(), false, java.util.List.of(), java.util.List.of());
        if (w.coreExtra != 0) {
            try {
                core = io.sipfleet.sip.parse.CoreParser.parse(raw, core, w.coreExtra);
            } catch (SipParseException e) {
                throw new IllegalArgumentException("response to a valid request failed to parse: " + e.getMessage(), e);
            }
        }
        return new SipResponse(raw, core, code, sanitize(reason));
    }

    /** Bytes the response will take, exactly for ASCII text, so the writer neither grows nor trims. */
    private static int capacity(RawMessage request, String reason, String toTag, String contentType, byte[] body,
                                HeaderField[] extra) {
        int n = 8 + 3 + 1 + utf8Length(sanitize(reason)) + 2; // "SIP/2.0 " code SP reason CRLF
        for (int i = 0; i < request.headerCount(); i++) {
            int id = request.nameId(i);
            if (id != VIA && id != FROM && id != TO && id != CALL_ID && id != CSEQ) continue;
            n += request.valueEnd(i) - request.index[i * RawMessage.STRIDE + 1] + 2;
        }
        if (toTag != null) n += 5 + toTag.length();
        for (HeaderField h : extra) n += utf8Length(h.name()) + 2 + utf8Length(h.value()) + 2;
        if (body != null && contentType != null) n += 14 + utf8Length(contentType) + 2;
        int bodyLength = body == null ? 0 : body.length;
        n += 16 + Integer.toString(bodyLength).length() + 2 + 2; // Content-Length line, blank line
        return n + bodyLength;
    }

    private static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) n += c < 0x800 ? 1 : 2;
        }
        return n;
    }

    /** The response bytes. {@code toTag}: added to To when not null (the caller checks To has none). */
    public static byte[] bytes(RawMessage request, int code, String reason, String toTag, String contentType,
                               byte[] body, HeaderField... extra) {
        Writer w = new Writer(256 + (body == null ? 0 : body.length), request.headerCount() + extra.length + 2);
        write(w, request, code, reason, code > 100 ? toTag : null, contentType, body, extra);
        return w.toArray();
    }

    private static void write(Writer w, RawMessage request, int code, String reason, String toTag, String contentType,
                              byte[] body, HeaderField[] extra) {
        w.ascii("SIP/2.0 ");
        w.ascii(Integer.toString(code));
        w.put((byte) ' ');
        w.utf8(sanitize(reason));
        w.startLineEnd = w.len;
        w.crlf();
        byte[] b = request.array();
        for (int i = 0; i < request.headerCount(); i++) {
            int id = request.nameId(i);
            if (id != VIA && id != FROM && id != TO && id != CALL_ID && id != CSEQ) continue;
            int k = i * RawMessage.STRIDE;
            int ls = request.index[k + 1], le = request.valueEnd(i), at = w.len;
            w.bytes(b, ls, le - ls);
            if (id == TO && toTag != null) {
                w.ascii(";tag=");
                w.ascii(toTag);
            }
            w.line(id, at, at + request.index[k + 2] - ls, at + request.index[k + 3] - ls, w.len);
            w.crlf();
        }
        for (HeaderField h : extra) header(w, h.name(), h.value());
        if (body != null && contentType != null) header(w, "Content-Type", contentType);
        header(w, "Content-Length", Integer.toString(body == null ? 0 : body.length));
        w.crlf();
        w.bodyStart = w.len;
        if (body != null) w.bytes(body, 0, body.length);
    }

    private static void header(Writer w, String name, String value) {
        HeaderName known = HeaderName.of(name);
        int id = known.id();
        if (id >= 0 && id <= HeaderName.RECORD_ROUTE.id() && id != HeaderName.CONTENT_LENGTH.id()) w.coreExtra |= 1L << id;
        int at = w.len;
        w.utf8(name);
        int ne = w.len;
        w.ascii(": ");
        int vs = w.len;
        w.utf8(value);
        w.line(id, at, ne, vs, w.len);
        w.crlf();
    }

    /** A growable byte array that also records where each header line lies (the RawMessage index). */
    private static final class Writer {
        byte[] buf;
        int len, startLineEnd, bodyStart, lines;
        int[] index;
        long coreExtra; // id bits of core headers among the extras (to parse)

        Writer(int capacity, int headers) {
            buf = new byte[capacity];
            index = new int[Math.max(headers, 1) * RawMessage.STRIDE];
        }

        void ensure(int more) {
            if (len + more > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }

        void put(byte c) { ensure(1); buf[len++] = c; }

        void crlf() { ensure(2); buf[len++] = '\r'; buf[len++] = '\n'; }

        void bytes(byte[] b, int off, int n) { ensure(n); System.arraycopy(b, off, buf, len, n); len += n; }

        void ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) buf[len++] = (byte) s.charAt(i);
        }

        void utf8(String s) {
            // Header text is ASCII nearly always: written straight in, no byte array per string.
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    byte[] b = s.substring(i).getBytes(StandardCharsets.UTF_8);
                    bytes(b, 0, b.length);
                    return;
                }
                buf[len++] = (byte) c;
            }
        }

        void line(int id, int ns, int ne, int vs, int ve) {
            if ((lines + 1) * RawMessage.STRIDE > index.length) index = java.util.Arrays.copyOf(index, index.length * 2);
            int k = lines++ * RawMessage.STRIDE;
            index[k] = id; index[k + 1] = ns; index[k + 2] = ne; index[k + 3] = vs; index[k + 4] = ve;
        }

        byte[] toArray() { return java.util.Arrays.copyOf(buf, len); }

        /** The bytes, copied only when the estimate was off. */
        byte[] exact() { return buf.length == len ? buf : toArray(); }
    }

    /** A reason phrase cannot hold line breaks (it ends the status line). */
    private static String sanitize(String reason) {
        return reason.indexOf('\r') < 0 && reason.indexOf('\n') < 0 ? reason : reason.replaceAll("[\r\n]+", " ");
    }
}
