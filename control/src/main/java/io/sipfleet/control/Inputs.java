package io.sipfleet.control;


/** Checks on free-text fields shared by the features. */
public final class Inputs {

    private Inputs() {
    }

    /** Trimmed, non-empty, at most {@code max} characters, no control characters. */
    public static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field, "is required");
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new InvalidInputException(field, "must be at most " + max + " characters, was " + v.length());
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(field, "must not contain control characters");
        }
        return v;
    }
}
