package io.sipfleet.switching.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a parsed JSON tree against the configuration records before Jackson binds it, and
 * fills in defaults: the record types are the schema, so there is no second one to keep in step.
 *
 * <p>Doing this ourselves rather than leaving it to Jackson buys messages an operator can act on
 * ({@code keepAlive.intervalSecs: unknown field; known fields: mode, intervalSeconds, ...}), all
 * problems at once instead of the first, and the {@code password} trap. Every problem found is
 * added to the list; the tree is completed in place.
 */
final class ConfigTree {

    /** Clear-text secret field names that get the "store HA1 instead" answer. */
    private static final Set<String> SECRET_FIELDS = Set.of("password", "passwd", "secret", "pass");

    private ConfigTree() {}

    static void complete(ObjectNode node, Class<? extends Record> type, String path,
                         List<ConfigException.Problem> problems) {
        RecordComponent[] components = type.getRecordComponents();
        Set<String> known = java.util.Arrays.stream(components).map(RecordComponent::getName)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        for (String name : List.copyOf(node.propertyNames())) {
            if (!known.contains(name)) {
                problems.add(new ConfigException.Problem(join(path, name), unknownField(name, type, known)));
            }
        }
        for (RecordComponent c : components) {
            String name = c.getName();
            String at = join(path, name);
            Default def = c.getAnnotation(Default.class);
            if (!node.has(name)) {
                if (def == null) {
                    problems.add(new ConfigException.Problem(at, "required field missing"));
                    continue;
                }
                node.set(name, ConfigJson.literal(def.value()));
            }
            JsonNode value = node.get(name);
            if (value.isNull()) {
                if (def == null || !def.value().equals("null")) {
                    problems.add(new ConfigException.Problem(at, "must not be null"));
                }
                continue;
            }
            check(value, c.getGenericType(), at, problems);
        }
    }

    @SuppressWarnings("unchecked")
    private static void check(JsonNode value, Type type, String at, List<ConfigException.Problem> problems) {
        if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
            if (!(value instanceof ArrayNode array)) {
                problems.add(new ConfigException.Problem(at, "must be a JSON array, was " + describe(value)));
                return;
            }
            Type element = list.getActualTypeArguments()[0];
            for (int i = 0; i < array.size(); i++) {
                String elementAt = at + "[" + i + "]";
                if (array.get(i).isNull()) {
                    problems.add(new ConfigException.Problem(elementAt, "must not be null"));
                } else {
                    check(array.get(i), element, elementAt, problems);
                }
            }
            return;
        }
        Class<?> cls = (Class<?>) type;
        String expected = null;
        if (cls == int.class || cls == Integer.class) {
            expected = value.isIntegralNumber() && value.canConvertToInt() ? null : "an integer";
        } else if (cls == long.class) {
            expected = value.isIntegralNumber() && value.canConvertToLong() ? null : "an integer";
        } else if (cls == boolean.class) {
            expected = value.isBoolean() ? null : "true or false";
        } else if (cls == String.class) {
            expected = value.isString() ? null : "a string";
        } else if (cls.isEnum()) {
            List<String> names = enumNames((Class<? extends Enum<?>>) cls);
            if (!value.isString() || !names.contains(value.stringValue())) {
                expected = "one of " + String.join(", ", names);
            }
        } else if (cls.isRecord()) {
            if (value instanceof ObjectNode object) {
                complete(object, (Class<? extends Record>) cls, at, problems);
            } else {
                expected = "a JSON object";
            }
        } else {
            throw new IllegalStateException("config field type not handled: " + type);
        }
        if (expected != null) {
            problems.add(new ConfigException.Problem(at, "must be " + expected + ", was " + describe(value)));
        }
    }

    private static String unknownField(String name, Class<?> type, Set<String> known) {
        if (SECRET_FIELDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            return "clear-text passwords are not accepted; store the digest HA1 instead"
                    + " (ha1Md5 and/or ha1Sha256), computed with: ./sipfleet ha1 <user> <realm>";
        }
        return "unknown field in " + type.getSimpleName() + "; known fields: " + String.join(", ", known);
    }

    /** The JSON names of an enum's constants, from their {@link JsonProperty}. */
    static List<String> enumNames(Class<? extends Enum<?>> type) {
        List<String> names = new ArrayList<>();
        for (Enum<?> constant : type.getEnumConstants()) {
            try {
                JsonProperty p = type.getField(constant.name()).getAnnotation(JsonProperty.class);
                names.add(p != null ? p.value() : constant.name());
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }

    /** A JSON value as an operator would describe it in an error message. */
    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> quote(value.stringValue());
            case NUMBER, BOOLEAN, NULL -> value.toString();
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            default -> value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A string value quoted for a message, cut short so one bad line cannot flood the log. */
    static String quote(String s) {
        return '"' + (s.length() > 80 ? s.substring(0, 77) + "..." : s) + '"';
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
