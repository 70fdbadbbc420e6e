package io.sipfleet.control.api;

/** No or an unknown bearer token (HTTP 401). */
public final class Unauthorized extends RuntimeException {
    public Unauthorized(String message) {
        super(message);
    }
}
