package io.sipfleet.switching.cdr;

import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** The CDR line format: one compact JSON object, fields in {@link Cdr} order, ISO-8601 times. */
final class CdrJson {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private CdrJson() {}

    /** {@code cdr} as one line of JSON, without the newline. */
    static String line(Cdr cdr) {
        return MAPPER.writeValueAsString(cdr);
    }

    /** Parses one line written by {@link #line}. */
    static Cdr parse(String line) {
        return MAPPER.readValue(line, Cdr.class);
    }
}
