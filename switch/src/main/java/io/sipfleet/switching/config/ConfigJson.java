package io.sipfleet.switching.config;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON reading and writing of configuration records, with every failure turned into a
 * {@link ConfigException} that names the field by its path ({@code carrierRoutes[2].cpsLimit}).
 *
 * <p>Reading is two steps. {@link ConfigTree} first walks the parsed tree against the record
 * types: it refuses unknown fields by name, reports missing required fields and wrong types in
 * operator words, and fills in {@link Default}s. Jackson then binds the completed tree; its own
 * strict settings below are the backstop, and its errors are mapped to the same path format.
 */
final class ConfigJson {

    /** Strict: a config typo must fail loudly, never coerce or fall back. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // Keep the record's order in toJson(): it is the documented, readable order.
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ConfigJson() {}

    static <T extends Record> T read(String json, Class<T> type) throws ConfigException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw syntaxError(e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ConfigException("", "empty document: expected a JSON object");
        }
        if (!tree.isObject()) {
            throw new ConfigException("", "expected a JSON object, was " + ConfigTree.describe(tree));
        }
        List<ConfigException.Problem> problems = new ArrayList<>();
        ConfigTree.complete((ObjectNode) tree, type, "", problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JacksonException e) {
            throw new ConfigException(path(e), e.getOriginalMessage(), e);
        }
    }

    /** The record with every field of {@code type} at its default (throws if one is required). */
    static <T extends Record> T defaults(Class<T> type) {
        try {
            return read("{}", type);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(type.getSimpleName() + " has required fields: " + e.getMessage(), e);
        }
    }

    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** Parses a {@link Default} literal; a bad one is a programming error, caught by tests. */
    static JsonNode literal(String json) {
        return MAPPER.readTree(json);
    }

    /** A JSON syntax error, with line and column and, where the parser knows it, the field path. */
    private static ConfigException syntaxError(JacksonException e) {
        // The parser's context names the last field read: a hint, not necessarily the culprit
        // (a stray comma after "version" is reported "near version"), so it stays in the text.
        String near = "";
        if (e.processor() instanceof JsonParser parser) {
            String path = pointerToPath(parser.streamReadContext().pathAsPointer().toString());
            near = path.isEmpty() ? "" : ", near " + path;
        }
        TokenStreamLocation loc = e.getLocation();
        String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new ConfigException("", "invalid JSON" + at + near + ": " + e.getOriginalMessage(), e);
    }

    /** {@code /carrierRoutes/2/cpsLimit} to {@code carrierRoutes[2].cpsLimit}. */
    static String pointerToPath(String pointer) {
        if (pointer.isEmpty() || pointer.equals("/")) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String token : pointer.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(name).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".").append(name);
            }
        }
        return sb.toString();
    }

    /** Jackson's reference chain as {@code a.b[2].c}. */
    static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
