package io.sipfleet.control;

/**
 * Something does not exist for the caller. Resources of another account raise this too, with the
 * same message, so a token cannot probe which ids exist elsewhere (tenant isolation).
 */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String what, long id) {
        super("no " + what + " with id " + id + " in this account");
    }

    public NotFoundException(String message) {
        super(message);
    }
}
