package io.sipfleet.sip.message;

/** A response: status code, reason phrase and the rest of {@link SipMessage}. */
public final class SipResponse extends SipMessage {
    private final int statusCode;
    private final String reason;

    public SipResponse(RawMessage raw, CoreHeaders core, int statusCode, String reason) {
        super(raw, core);
        this.statusCode = statusCode;
        this.reason = reason;
    }

    public int statusCode() { return statusCode; }

    public String reason() { return reason; }

    public boolean isProvisional() { return statusCode < 200; }

    public boolean isSuccess() { return statusCode >= 200 && statusCode < 300; }

    public boolean isFinal() { return statusCode >= 200; }

    @Override public boolean isRequest() { return false; }
}
