package io.sipfleet.control;

import java.util.regex.Pattern;

/** Names that end up in snapshots, metrics and Redis keys: the switch's serverId rule. */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Names() {
    }

    public static String require(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException(field, "is required");
        }
        if (!NAME.matcher(value).matches()) {
            throw new InvalidInputException(field, "must be 1 to 64 letters, digits, '.', '_' or '-', was '"
                    + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "'");
        }
        return value;
    }
}
