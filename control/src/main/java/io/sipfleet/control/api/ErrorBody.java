package io.sipfleet.control.api;

/** Every error the API returns: one message a person can act on. */
public record ErrorBody(String error) {
}
