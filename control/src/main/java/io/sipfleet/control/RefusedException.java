package io.sipfleet.control;

/**
 * A well-formed request the account's state does not allow (checklist incomplete, balance too low,
 * a name already taken). Carries the HTTP status so the API does not need to know each rule.
 */
public final class RefusedException extends RuntimeException {
    /** 402: the request needs more money on the account. */
    public static final int PAYMENT_REQUIRED = 402;
    /** 403: the caller may not do this at all (e.g. an account token on an operator endpoint). */
    public static final int FORBIDDEN = 403;
    /** 409: conflicts with the account's current state. */
    public static final int CONFLICT = 409;

    private final int status;

    public RefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
