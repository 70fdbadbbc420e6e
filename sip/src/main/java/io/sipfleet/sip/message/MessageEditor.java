package io.sipfleet.sip.message;

import io.sipfleet.sip.parse.CoreParser;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a copy of a message with some lines changed, as a proxy does (push a Via, pop a Route,
 * decrement Max-Forwards, add Record-Route). Lines not touched are copied byte for byte, never
 * re-encoded; only the core headers an edit touched are parsed again.
 */
public final class MessageEditor {
    private final SipMessage base;
    private final List<Line> lines;
    private byte[] startLine; // null: unchanged
    private Uri newRequestUri;
    private int newStatus = -1;
    private String newReason;
    private byte[] body; // null: unchanged
    private long touched;
    /**
     * Via, Route and Record-Route edited only at the top (what a proxy does: push its Via or
     * Record-Route, pop its Route or the response's top Via): their new lists are the base's
     * parsed lists with the pushed values (parsed alone) on top and the popped ones left out, so
     * build() re-parses no entry that was already parsed. Slots 0..2; null: not edited.
     */
    private final TopEdits[] tops = new TopEdits[3];

    private static final class TopEdits {
        final ArrayList<Object> pushed = new ArrayList<>(2); // on top of the base's list, top first
        int popped;      // entries of the base's list removed from its top
        boolean other;   // edited otherwise: build() re-parses the whole header
    }

    private static int slot(HeaderName name) {
        if (!name.isKnown()) return -1;
        int id = name.id();
        return id == HeaderName.VIA.id() ? 0 : id == HeaderName.ROUTE.id() ? 1 : id == HeaderName.RECORD_ROUTE.id() ? 2 : -1;
    }

    private TopEdits tops(HeaderName name) {
        int slot = slot(name);
        if (slot < 0) return null;
        TopEdits t = tops[slot];
        if (t == null) tops[slot] = t = new TopEdits();
        return t;
    }

    /** Any edit but a push or pop at the top: the header is re-parsed in full. */
    private void otherEdit(HeaderName name) {
        TopEdits t = tops(name);
        if (t != null) t.other = true;
    }

    private void pushed(HeaderName name, String value, Via parsed) {
        TopEdits t = tops(name);
        if (t == null || t.other) return;
        if (parsed != null) {
            t.pushed.add(0, parsed);
            return;
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        try {
            if (slot(name) == 0) {
                List<Via> vs = new ArrayList<>(1);
                io.sipfleet.sip.parse.HeaderParsers.vias(b, 0, b.length, vs);
                t.pushed.addAll(0, vs);
            } else {
                List<NameAddr> ns = new ArrayList<>(1);
                io.sipfleet.sip.parse.HeaderParsers.nameAddrs(b, 0, b.length, name.canonical(), false, ns);
                t.pushed.addAll(0, ns);
            }
        } catch (SipParseException e) {
            t.other = true; // build() re-parses it and reports the error
        }
    }

    /** An original line, part of one (value range narrowed), or a new one. */
    private record Line(int source, int valueStart, int valueEnd, HeaderName name, byte[] value) {}

    /** Untouched lines are values: shared by every editor, so starting an edit allocates nothing per line. */
    private static final Line[] UNTOUCHED = new Line[io.sipfleet.sip.parse.SipParser.MAX_HEADERS];

    static {
        for (int i = 0; i < UNTOUCHED.length; i++) UNTOUCHED[i] = new Line(i, -1, -1, null, null);
    }

    MessageEditor(SipMessage base) {
        this.base = base;
        this.lines = new ArrayList<>(base.headerCount + 4);
        for (int i = 0; i < base.headerCount; i++) {
            lines.add(i < UNTOUCHED.length ? UNTOUCHED[i] : new Line(i, -1, -1, null, null));
        }
    }

    private static Line fresh(HeaderName name, String value) {
        return new Line(-1, -1, -1, name, value.getBytes(StandardCharsets.UTF_8));
    }

    private int nameId(Line l) { return l.source >= 0 ? base.nameId(l.source) : l.name.id(); }

    private boolean is(Line l, HeaderName name) {
        if (name.isKnown()) return nameId(l) == name.id();
        if (l.source < 0) return l.name.equals(name);
        return base.nameId(l.source) < 0 && base.headerNameAsWritten(l.source).equalsIgnoreCase(name.canonical());
    }

    private void touch(HeaderName name) { if (name.isKnown() && name.id() < 64) touched |= 1L << name.id(); }

    /** Inserts a line before the first line of the same name, or first of all when there is none. */
    public MessageEditor addFirst(HeaderName name, String value) {
        return addFirst(name, value, null);
    }

    /** {@link #addFirst} of a Via the caller built: written as its text, taken as parsed (no re-parse). */
    public MessageEditor addFirst(Via via) {
        return addFirst(HeaderName.VIA, via.toString(), via);
    }

    private MessageEditor addFirst(HeaderName name, String value, Via parsed) {
        int at = 0;
        for (int i = 0; i < lines.size(); i++) if (is(lines.get(i), name)) { at = i; break; }
        lines.add(at, fresh(name, value));
        touch(name);
        pushed(name, value, parsed);
        return this;
    }

    public MessageEditor append(HeaderName name, String value) {
        otherEdit(name);
        lines.add(fresh(name, value));
        touch(name);
        return this;
    }

    /** Replaces the first line of that name in place and removes the others; appends if none. */
    public MessageEditor set(HeaderName name, String value) {
        otherEdit(name);
        int first = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (!is(lines.get(i), name)) continue;
            if (first < 0) { first = i; lines.set(i, fresh(name, value)); } else lines.remove(i--);
        }
        if (first < 0) lines.add(fresh(name, value));
        touch(name);
        return this;
    }

    public MessageEditor remove(HeaderName name) {
        otherEdit(name);
        lines.removeIf(l -> is(l, name));
        touch(name);
        return this;
    }

    /**
     * Removes the first value of the first line of that name: the top Via of a response a proxy
     * forwards (RFC 3261 16.7 step 3), the top Route of a loose-routed request (16.4). The other
     * values of that line stay as written.
     */
    public MessageEditor removeFirstValue(HeaderName name) {
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            if (!is(l, name)) continue;
            byte[] b = l.source >= 0 ? base.buf : l.value;
            int s = l.source >= 0 ? (l.valueStart >= 0 ? l.valueStart : base.valueStart(l.source)) : 0;
            int e = l.source >= 0 ? (l.valueStart >= 0 ? l.valueEnd : base.valueEnd(l.source)) : b.length;
            int comma = SipText.firstTopLevelComma(b, s, e);
            if (comma < 0) {
                lines.remove(i);
            } else {
                int rest = comma + 1;
                while (rest < e && (b[rest] == ' ' || b[rest] == '\t' || b[rest] == '\r' || b[rest] == '\n')) rest++;
                if (l.source >= 0) lines.set(i, new Line(l.source, rest, e, null, null));
                else lines.set(i, new Line(-1, -1, -1, l.name, java.util.Arrays.copyOfRange(b, rest, e)));
            }
            touch(name);
            TopEdits t = tops(name);
            if (t != null && !t.other) {
                if (!t.pushed.isEmpty()) t.pushed.remove(0);
                else t.popped++;
            }
            return this;
        }
        return this;
    }

    /**
     * Replaces the first value of the first line of that name, in place: the other values of the
     * line and the line's position stay (a transport stamping received/rport on the top Via).
     * Appends a line when there is none.
     */
    public MessageEditor replaceFirstValue(HeaderName name, String value) {
        otherEdit(name);
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            if (!is(l, name)) continue;
            byte[] b = l.source >= 0 ? base.buf : l.value;
            int s = l.source >= 0 ? (l.valueStart >= 0 ? l.valueStart : base.valueStart(l.source)) : 0;
            int e = l.source >= 0 ? (l.valueStart >= 0 ? l.valueEnd : base.valueEnd(l.source)) : b.length;
            int comma = SipText.firstTopLevelComma(b, s, e);
            byte[] head = value.getBytes(StandardCharsets.UTF_8);
            byte[] v = head;
            if (comma >= 0) {
                v = new byte[head.length + (e - comma)];
                System.arraycopy(head, 0, v, 0, head.length);
                System.arraycopy(b, comma, v, head.length, e - comma); // ", rest" as written
            }
            lines.set(i, new Line(-1, -1, -1, name, v));
            touch(name);
            return this;
        }
        return append(name, value);
    }

    public MessageEditor requestUri(Uri uri) {
        if (!(base instanceof SipRequest r)) throw new IllegalStateException("not a request");
        newRequestUri = uri;
        startLine = (r.method() + " " + uri + " SIP/2.0").getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public MessageEditor status(int code, String reason) {
        if (base instanceof SipRequest) throw new IllegalStateException("not a response");
        newStatus = code;
        newReason = reason;
        startLine = ("SIP/2.0 " + code + " " + reason).getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Replaces the body; sets Content-Type (when given) and Content-Length. */
    public MessageEditor body(String contentType, byte[] newBody) {
        body = newBody;
        if (contentType != null) set(HeaderName.CONTENT_TYPE, contentType);
        set(HeaderName.CONTENT_LENGTH, Integer.toString(newBody.length));
        return this;
    }

    public SipMessage build() {
        byte[] src = base.buf;
        int bodyLen = body != null ? body.length : base.length - base.bodyStart;
        int size = (startLine != null ? startLine.length : base.startLineEnd) + 4 + bodyLen;
        for (Line l : lines) size += lineSize(l) + 2;
        byte[] out = new byte[size];
        int p;
        if (startLine != null) {
            System.arraycopy(startLine, 0, out, 0, startLine.length);
            p = startLine.length;
        } else {
            System.arraycopy(src, 0, out, 0, base.startLineEnd);
            p = base.startLineEnd;
        }
        int sl = p;
        out[p++] = '\r';
        out[p++] = '\n';
        int[] idx = new int[Math.max(lines.size(), 1) * RawMessage.STRIDE];
        int k = 0;
        for (Line l : lines) {
            int ns = p, ne, vs, ve;
            if (l.source >= 0 && l.valueStart < 0) {
                // untouched: the whole line as it was, folding and spacing included
                int ls = base.index[l.source * 5 + 1], le = base.index[l.source * 5 + 4];
                System.arraycopy(src, ls, out, p, le - ls);
                ne = ns + base.index[l.source * 5 + 2] - ls;
                vs = ns + base.index[l.source * 5 + 3] - ls;
                p += le - ls;
                ve = p;
            } else {
                byte[] name = l.source >= 0 ? java.util.Arrays.copyOfRange(src, base.index[l.source * 5 + 1],
                        base.index[l.source * 5 + 2]) : l.name.bytes();
                System.arraycopy(name, 0, out, p, name.length);
                p += name.length;
                ne = p;
                out[p++] = ':';
                out[p++] = ' ';
                vs = p;
                if (l.source >= 0) {
                    System.arraycopy(src, l.valueStart, out, p, l.valueEnd - l.valueStart);
                    p += l.valueEnd - l.valueStart;
                } else {
                    System.arraycopy(l.value, 0, out, p, l.value.length);
                    p += l.value.length;
                }
                ve = p;
            }
            idx[k++] = nameId(l);
            idx[k++] = ns;
            idx[k++] = ne;
            idx[k++] = vs;
            idx[k++] = ve;
            out[p++] = '\r';
            out[p++] = '\n';
        }
        out[p++] = '\r';
        out[p++] = '\n';
        int bodyStart = p;
        if (body != null) System.arraycopy(body, 0, out, p, body.length);
        else System.arraycopy(src, base.bodyStart, out, p, bodyLen);
        p += bodyLen;
        RawMessage raw = new RawMessage(out.length == p ? out : java.util.Arrays.copyOf(out, p), sl, idx,
                lines.size(), bodyStart, p);
        CoreHeaders core;
        long reparse = touched;
        List<Via> vias = null;
        List<NameAddr> routes = null, recordRoutes = null;
        if (tops[0] != null && !tops[0].other) {
            vias = topEdited(tops[0], base.core.vias());
            if (vias != null) reparse &= ~(1L << HeaderName.VIA.id());
        }
        if (tops[1] != null && !tops[1].other) {
            routes = topEdited(tops[1], base.core.routes());
            if (routes != null) reparse &= ~(1L << HeaderName.ROUTE.id());
        }
        if (tops[2] != null && !tops[2].other) {
            recordRoutes = topEdited(tops[2], base.core.recordRoutes());
            if (recordRoutes != null) reparse &= ~(1L << HeaderName.RECORD_ROUTE.id());
        }
        try {
            core = reparse == 0 ? base.core : CoreParser.parse(raw, base.core, reparse);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("Edited message is not valid SIP: " + e.getMessage(), e);
        }
        if (vias != null || routes != null || recordRoutes != null) {
            if (vias != null && vias.isEmpty()) throw new IllegalArgumentException("Edited message is not valid SIP: Missing Via header");
            core = new CoreHeaders(vias != null ? vias : core.vias(), core.from(), core.to(), core.callId(), core.cseq(),
                    core.maxForwards(), core.contentLength(), core.contacts(), core.contactStar(),
                    routes != null ? routes : core.routes(), recordRoutes != null ? recordRoutes : core.recordRoutes());
        }
        if (base instanceof SipRequest r) {
            return new SipRequest(raw, core, r.method(), newRequestUri != null ? newRequestUri : r.requestUri());
        }
        SipResponse resp = (SipResponse) base;
        return new SipResponse(raw, core, newStatus >= 0 ? newStatus : resp.statusCode(),
                newReason != null ? newReason : resp.reason());
    }

    /** The base's list with {@code t}'s pushes and pops applied, or null when it pops more than it had (re-parse). */
    @SuppressWarnings("unchecked")
    private static <T> List<T> topEdited(TopEdits t, List<T> base) {
        if (t.popped > base.size()) return null;
        if (t.pushed.isEmpty() && t.popped == 0) return base;
        if (t.pushed.isEmpty()) return base.subList(t.popped, base.size());
        Object[] out = new Object[t.pushed.size() + base.size() - t.popped];
        int k = 0;
        for (Object o : t.pushed) out[k++] = o;
        for (int i = t.popped; i < base.size(); i++) out[k++] = base.get(i);
        return (List<T>) List.of(out);
    }

    private int lineSize(Line l) {
        if (l.source >= 0 && l.valueStart < 0) return base.index[l.source * 5 + 4] - base.index[l.source * 5 + 1];
        int name = l.source >= 0 ? base.index[l.source * 5 + 2] - base.index[l.source * 5 + 1] : l.name.bytes().length;
        int value = l.source >= 0 ? l.valueEnd - l.valueStart : l.value.length;
        return name + 2 + value;
    }
}
