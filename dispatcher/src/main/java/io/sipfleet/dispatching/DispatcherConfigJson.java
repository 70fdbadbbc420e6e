package io.sipfleet.dispatching;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/** Strict JSON binding of {@link DispatcherConfig}: a typo fails loudly, naming its path. */
final class DispatcherConfigJson {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private DispatcherConfigJson() {}

    static DispatcherConfig read(String json) throws DispatcherConfigException {
        try {
            DispatcherConfig c = MAPPER.readValue(json, DispatcherConfig.class);
            if (c == null) throw new DispatcherConfigException("empty document: expected a JSON object");
            return c;
        } catch (JacksonException e) {
            String path = path(e);
            throw new DispatcherConfigException((path.isEmpty() ? "" : path + ": ") + e.getOriginalMessage());
        }
    }

    /** Jackson's reference chain as {@code a.b[2].c}. */
    static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) sb.append(sb.isEmpty() ? "" : ".").append(ref.getPropertyName());
            else if (ref.getIndex() >= 0) sb.append('[').append(ref.getIndex()).append(']');
        }
        return sb.toString();
    }
}
