package io.sipfleet.sip.message;

import java.util.Arrays;
import java.util.List;

/**
 * A parsed SIP message (RFC 3261 section 7): the framed bytes plus the core headers, already
 * parsed and validated. Immutable; {@link #edit()} gives a copy with some header lines changed,
 * re-using the bytes of the others.
 */
public abstract sealed class SipMessage extends RawMessage permits SipRequest, SipResponse {
    final CoreHeaders core;

    SipMessage(RawMessage raw, CoreHeaders core) {
        super(raw);
        this.core = core;
    }

    public CoreHeaders core() { return core; }

    public List<Via> vias() { return core.vias(); }

    public Via topVia() { return core.vias().isEmpty() ? null : core.vias().get(0); }

    public NameAddr from() { return core.from(); }

    public NameAddr to() { return core.to(); }

    public String callId() { return core.callId(); }

    public CSeq cseq() { return core.cseq(); }

    /** -1 when absent. */
    public int maxForwards() { return core.maxForwards(); }

    /** The Content-Length header's value, or -1 when absent. */
    public int contentLength() { return core.contentLength(); }

    public List<NameAddr> contacts() { return core.contacts(); }

    /** {@code Contact: *} (RFC 3261 10.2.2). */
    public boolean isContactStar() { return core.contactStar(); }

    public List<NameAddr> routes() { return core.routes(); }

    public List<NameAddr> recordRoutes() { return core.recordRoutes(); }

    public abstract boolean isRequest();

    /** A copy with some header lines changed; see {@link MessageEditor}. */
    public MessageEditor edit() { return new MessageEditor(this); }

    /** Same start line, same header lines (name and unfolded value) in order, same body. */
    @Override public boolean equals(Object o) {
        if (!(o instanceof SipMessage m) || m.isRequest() != isRequest()) return false;
        return startLine().equals(m.startLine()) && headers().equals(m.headers())
                && Arrays.equals(buf, bodyStart, length, m.buf, m.bodyStart, m.length);
    }

    @Override public int hashCode() { return startLine().hashCode() * 31 + headerCount; }
}
