package io.sipfleet.sip.message;

import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import java.io.ByteArrayOutputStream;
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
        byte[] bytes = bytes(request, code, reason, toTag != null && request.to().tag() == null ? toTag : null,
                contentType, body, extra);
        try {
            return (SipResponse) SipParser.parse(bytes);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("response to a valid request failed to parse: " + e.getMessage(), e);
        }
    }

    /** The response bytes. {@code toTag}: added to To when not null (the caller checks To has none). */
    public static byte[] bytes(RawMessage request, int code, String reason, String toTag, String contentType,
                               byte[] body, HeaderField... extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
        ascii(out, "SIP/2.0 ");
        ascii(out, Integer.toString(code));
        out.write(' ');
        utf8(out, sanitize(reason));
        crlf(out);
        byte[] b = request.array();
        for (int i = 0; i < request.headerCount(); i++) {
            int id = request.nameId(i);
            if (id != VIA && id != FROM && id != TO && id != CALL_ID && id != CSEQ) continue;
            int ls = request.index[i * RawMessage.STRIDE + 1], le = request.valueEnd(i);
            out.write(b, ls, le - ls);
            if (id == TO && toTag != null && code > 100) {
                ascii(out, ";tag=");
                ascii(out, toTag);
            }
            crlf(out);
        }
        for (HeaderField h : extra) {
            utf8(out, h.name());
            ascii(out, ": ");
            utf8(out, h.value());
            crlf(out);
        }
        if (body != null && contentType != null) {
            ascii(out, "Content-Type: ");
            ascii(out, contentType);
            crlf(out);
        }
        ascii(out, "Content-Length: ");
        ascii(out, Integer.toString(body == null ? 0 : body.length));
        crlf(out);
        crlf(out);
        if (body != null) out.write(body, 0, body.length);
        return out.toByteArray();
    }

    /** A reason phrase cannot hold line breaks (it ends the status line). */
    private static String sanitize(String reason) {
        return reason.indexOf('\r') < 0 && reason.indexOf('\n') < 0 ? reason : reason.replaceAll("[\r\n]+", " ");
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) out.write(s.charAt(i));
    }

    private static void utf8(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }

    private static void crlf(ByteArrayOutputStream out) {
        out.write('\r');
        out.write('\n');
    }
}
