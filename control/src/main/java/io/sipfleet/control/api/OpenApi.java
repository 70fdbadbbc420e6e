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
        ObjectNode bearer = components.putObject("securitySchemes").putObject("bearer");
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");
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
                op.putArray("security").addObject().putArray("bearer");
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
            for (String code : r.authenticated() ? List.of("400", "401", "404") : List.of("400")) {
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
            props.putObject(snake(c.getName())).put("type", type(c.getType()));
        }
        return s;
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
