package io.sipfleet.sip.message;

/** A request: method, Request-URI and the rest of {@link SipMessage}. */
public final class SipRequest extends SipMessage {
    private final String method;
    private final Uri requestUri;

    public SipRequest(RawMessage raw, CoreHeaders core, String method, Uri requestUri) {
        super(raw, core);
        this.method = method;
        this.requestUri = requestUri;
    }

    /** Known methods are the constants of {@code Methods}, so {@code ==} comparison works. */
    public String method() { return method; }

    public Uri requestUri() { return requestUri; }

    public boolean isMethod(String m) { return method.equals(m); }

    @Override public boolean isRequest() { return true; }
}
