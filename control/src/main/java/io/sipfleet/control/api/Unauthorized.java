package io.sipfleet.control.api;

/** No or an unknown bearer token (HTTP 401). */
final class Unauthorized extends RuntimeException {
    Unauthorized(String message) {
        super(message);
    }
}
