package io.sipfleet.control.api;

import io.javalin.http.Context;
import io.sipfleet.control.InvalidInputException;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's JSON: snake_case names, and strict on input so a typo or a wrong type is a 400 naming
 * the field instead of a silent default (Jackson 3 ignores unknown fields unless told otherwise).
 */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // "12" for a number or 1 for a string is a client bug: say so rather than guess.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private Json() {
    }

    /** The request body as {@code type}; any problem becomes a 400 naming the field. */
    public static <T> T read(Context ctx, Class<T> type) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw new InvalidInputException("body", "expected a JSON object");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new InvalidInputException("body", "expected a JSON object, got null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidInputException(path(e), "unknown field; known fields: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        } catch (JacksonException e) {
            String path = path(e);
            throw new InvalidInputException(path.isEmpty() ? "body" : path, describe(e));
        }
    }

    private static String path(JacksonException e) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Jackson's first line without its Java type names and source excerpts. */
    private static String describe(JacksonException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "is not valid JSON for this request";
        }
        if (m.contains("out of range")) {
            return "number out of range";
        }
        if (m.contains("Cannot coerce") || m.contains("Cannot deserialize value of type")
                || m.contains("from String") || m.contains("from Floating-point") || m.contains("from Integer")
                || m.contains("from Boolean") || m.contains("from Array") || m.contains("from Object")) {
            return "wrong type (" + m.lines().findFirst().orElse(m).replaceAll("`[a-z]+\\.[\\w.$]+`", "this field") + ")";
        }
        return "is not valid JSON: " + m.lines().findFirst().orElse(m);
    }

    /** A required field that is absent or null. */
    public static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidInputException(field, "is required");
        }
        return value;
    }
}
