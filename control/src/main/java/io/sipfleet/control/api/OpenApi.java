package io.sipfleet.control.api;

import java.lang.reflect.RecordComponent;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * /openapi.json, generated from the same route table Javalin registers (no OpenAPI plugin exists
 * for Javalin 7). Request bodies are described from their records; responses are described in words.
 */
final class OpenApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OpenApi() {
    }

    static String document(List<ApiRoute> routes, String version) {
        ObjectNode root = JSON.createObjectNode();
        root.put("openapi", "3.1.0");
        ObjectNode info = root.putObject("info");
        info.put("title", "sipfleet control plane");
        info.put("version", version);
        info.put("description", "Errors are JSON {\"error\": \"...\"}. Money is integer cents.");
        ObjectNode components = root.putObject("components");
        ObjectNode schemes = components.putObject("securitySchemes");
        ObjectNode bearer = schemes.putObject("bearer");
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");
        ObjectNode operator = schemes.putObject("operator");
        operator.put("type", "http");
        operator.put("scheme", "bearer");
        operator.put("description", "the platform operator's token (control --operator-token-file), not an account's");
        ObjectNode schemas = components.putObject("schemas");
        ObjectNode error = schemas.putObject("Error");
        error.put("type", "object");
        error.putArray("required").add("error");
        error.putObject("properties").putObject("error").put("type", "string");
        ObjectNode paths = root.putObject("paths");
        for (ApiRoute r : routes) {
            ObjectNode path = paths.has(r.path()) ? (ObjectNode) paths.get(r.path()) : paths.putObject(r.path());
            ObjectNode op = path.putObject(r.method().name().toLowerCase());
            op.put("summary", r.summary());
            if (r.authenticated()) {
                op.putArray("security").addObject().putArray(r.operator() ? "operator" : "bearer");
            } else {
                op.putArray("security");
            }
            for (String param : r.pathParams()) {
                ObjectNode p = op.withArray("parameters").addObject();
                p.put("name", param);
                p.put("in", "path");
                p.put("required", true);
                p.putObject("schema").put("type", "integer").put("minimum", 1);
            }
            if (r.body() != null) {
                String name = r.body().getSimpleName();
                schemas.set(name, schema(r.body()));
                ObjectNode body = op.putObject("requestBody");
                body.put("required", true);
                body.putObject("content").putObject("application/json").putObject("schema")
                        .put("$ref", "#/components/schemas/" + name);
            }
            ObjectNode responses = op.putObject("responses");
            String ok = r.response().startsWith("201") ? "201" : r.response().contains("204") ? "204" : "200";
            responses.putObject(ok).put("description", r.response());
            List<String> errors = !r.authenticated() ? List.of("400")
                    : r.operator() ? List.of("400", "401", "403", "404") : List.of("400", "401", "402", "403", "404", "409");
            for (String code : errors) {
                responses.putObject(code).put("description", "error").putObject("content")
                        .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Error");
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** JSON schema of a request record: snake_case names, no other fields allowed (the API refuses them). */
    private static ObjectNode schema(Class<?> record) {
        ObjectNode s = JSON.createObjectNode();
        s.put("type", "object");
        s.put("additionalProperties", false);
        ObjectNode props = s.putObject("properties");
        for (RecordComponent c : record.getRecordComponents()) {
            props.set(snake(c.getName()), schemaOf(c.getGenericType()));
        }
        return s;
    }

    /** Lists become arrays of their element's schema; nested records are described inline. */
    private static ObjectNode schemaOf(java.lang.reflect.Type t) {
        if (t instanceof java.lang.reflect.ParameterizedType p && p.getRawType() == List.class) {
            ObjectNode a = JSON.createObjectNode();
            a.put("type", "array");
            a.set("items", schemaOf(p.getActualTypeArguments()[0]));
            return a;
        }
        if (t instanceof Class<?> c && c.isRecord()) {
            return schema(c);
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("type", t instanceof Class<?> c ? type(c) : "object");
        return n;
    }

    /** Same rule as the API mapper's SNAKE_CASE: amountCents -> amount_cents. */
    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String type(Class<?> t) {
        if (t == String.class) {
            return "string";
        }
        if (t == Long.class || t == long.class || t == Integer.class || t == int.class) {
            return "integer";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "boolean";
        }
        return "object";
    }
}
