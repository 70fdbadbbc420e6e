package io.sipfleet.control.api;

import io.javalin.http.Context;
import io.sipfleet.control.InvalidInputException;

/** Path parameters: ids are positive longs. */
public final class PathParams {

    private PathParams() {
    }

    public static long id(Context ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new InvalidInputException(name, "must be a positive integer id, was '" + raw + "'");
    }
}
