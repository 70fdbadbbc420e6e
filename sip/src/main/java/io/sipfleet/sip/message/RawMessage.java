package io.sipfleet.sip.message;

import io.netty.buffer.ByteBuf;
import io.sipfleet.sip.parse.SipText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A framed SIP message: its bytes, where the start line ends, where each header line's name and
 * value lie, and where the body is. Nothing is decoded here; values become Strings only when
 * asked for. This is also what a parse error carries, so a server can answer 400 by copying the
 * Via, From, To, Call-ID and CSeq lines of a request it could not fully parse.
 *
 * <p>The byte array belongs to the message and is never modified.
 */
public class RawMessage {
    /** ints per header in {@link #index}: name id, name start, name end, value start, value end. */
    static final int STRIDE = 5;

    final byte[] buf;
    final int startLineEnd;
    final int[] index;
    final int headerCount;
    final int bodyStart;
    final int length;

    public RawMessage(byte[] buf, int startLineEnd, int[] index, int headerCount, int bodyStart, int length) {
        this.buf = buf;
        this.startLineEnd = startLineEnd;
        this.index = index;
        this.headerCount = headerCount;
        this.bodyStart = bodyStart;
        this.length = length;
    }

    RawMessage(RawMessage other) {
        this(other.buf, other.startLineEnd, other.index, other.headerCount, other.bodyStart, other.length);
    }

    /**
     * This message with bytes {@code [s, e)} of header line {@code line}'s value replaced by
     * {@code v}, every other byte kept and the offsets of the lines below shifted. For the parser
     * only, on a message nobody else holds yet (the transport writing received/rport into the
     * top Via before the rest is parsed): when {@code reuse} is set and the array has room past
     * the message, the bytes move within it and the line index is updated in place, so stamping
     * a request costs no copy of it. This message must not be used afterwards.
     */
    public RawMessage withValueSpliced(int line, int s, int e, byte[] v, boolean reuse) {
        int delta = v.length - (e - s), newLength = length + delta;
        byte[] out = reuse && buf.length >= newLength ? buf : new byte[newLength];
        if (out != buf) System.arraycopy(buf, 0, out, 0, s);
        System.arraycopy(buf, e, out, s + v.length, length - e); // overlapping moves are safe
        System.arraycopy(v, 0, out, s, v.length);
        int[] idx = reuse ? index : Arrays.copyOf(index, index.length);
        idx[line * STRIDE + 4] += delta;
        for (int k = (line + 1) * STRIDE, end = headerCount * STRIDE; k < end; k += STRIDE) {
            idx[k + 1] += delta;
            idx[k + 2] += delta;
            idx[k + 3] += delta;
            idx[k + 4] += delta;
        }
        return new RawMessage(out, startLineEnd, idx, headerCount, bodyStart + delta, newLength);
    }

    public String startLine() { return new String(buf, 0, startLineEnd, StandardCharsets.UTF_8); }

    public boolean isResponseLine() {
        return startLineEnd >= 4 && buf[0] == 'S' && buf[1] == 'I' && buf[2] == 'P' && buf[3] == '/';
    }

    public int headerCount() { return headerCount; }

    /** The known name of header line {@code i}, or null when the stack does not know it. */
    public HeaderName headerName(int i) {
        int id = index[i * STRIDE];
        return id >= 0 ? HeaderName.byId(id) : null;
    }

    /** The name of header line {@code i} as written (compact forms stay compact). */
    public String headerNameAsWritten(int i) {
        int s = index[i * STRIDE + 1];
        return new String(buf, s, index[i * STRIDE + 2] - s, StandardCharsets.UTF_8);
    }

    /** The value of header line {@code i}, trimmed, folded lines joined by one space. */
    public String headerValue(int i) {
        return SipText.unfold(buf, index[i * STRIDE + 3], index[i * STRIDE + 4]);
    }

    public int valueStart(int i) { return index[i * STRIDE + 3]; }

    public int valueEnd(int i) { return index[i * STRIDE + 4]; }

    public int nameId(int i) { return index[i * STRIDE]; }

    private boolean nameIs(int i, HeaderName name) {
        if (name.isKnown()) return index[i * STRIDE] == name.id();
        if (index[i * STRIDE] >= 0) return false;
        int s = index[i * STRIDE + 1], e = index[i * STRIDE + 2];
        return name.canonical().equalsIgnoreCase(new String(buf, s, e - s, StandardCharsets.UTF_8));
    }

    /** Line number of the first header with this name, or -1. */
    public int indexOf(HeaderName name) {
        for (int i = 0; i < headerCount; i++) if (nameIs(i, name)) return i;
        return -1;
    }

    /** The first value of this header (the whole first line), or null. */
    public String header(HeaderName name) {
        int i = indexOf(name);
        return i < 0 ? null : headerValue(i);
    }

    public String header(String name) { return header(HeaderName.of(name)); }

    /** Every line of this header, in order (a line may hold several comma-separated values). */
    public List<String> headerValues(HeaderName name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < headerCount; i++) if (nameIs(i, name)) out.add(headerValue(i));
        return out;
    }

    public int count(HeaderName name) {
        int n = 0;
        for (int i = 0; i < headerCount; i++) if (nameIs(i, name)) n++;
        return n;
    }

    /** Header lines as (name as written, value) pairs: for logs, traces and equality. */
    public List<HeaderField> headers() {
        List<HeaderField> out = new ArrayList<>(headerCount);
        for (int i = 0; i < headerCount; i++) {
            HeaderName known = headerName(i);
            out.add(new HeaderField(known != null ? known.canonical() : headerNameAsWritten(i), headerValue(i)));
        }
        return out;
    }

    public int bodyLength() { return length - bodyStart; }

    public byte[] body() { return Arrays.copyOfRange(buf, bodyStart, length); }

    public String bodyText() { return new String(buf, bodyStart, length - bodyStart, StandardCharsets.UTF_8); }

    /** The whole message as sent on the wire. */
    public int length() { return length; }

    public byte[] toBytes() { return Arrays.copyOf(buf, length); }

    /** Writes the message bytes as they are: untouched headers are never re-encoded. */
    public void writeTo(ByteBuf out) { out.writeBytes(buf, 0, length); }

    /**
     * The backing array (the message is bytes {@code [0, length())}). Shared, not copied, for the
     * parser and the transports: never modify it.
     */
    public byte[] array() { return buf; }

    /** Offset of the CR (or LF) that ends the start line. */
    public int startLineEnd() { return startLineEnd; }

    public int bodyStart() { return bodyStart; }

    @Override public String toString() { return new String(buf, 0, length, StandardCharsets.UTF_8); }
}
