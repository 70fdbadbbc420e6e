package io.sipfleet.control;

/** A request field has a bad value; the message names the field and what would be accepted (HTTP 400). */
public final class InvalidInputException extends RuntimeException {
    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
