package io.sipfleet.switching.config;

import java.util.List;

/**
 * A configuration snapshot that cannot be used. The message names every bad field by its JSON
 * path and says what is wrong with it, e.g. {@code carrierRoutes[2].cpsLimit: must be >= 0, was -5},
 * so an operator can fix the file without reading code. Several problems are joined with "; ".
 */
public final class ConfigException extends Exception {

    private final List<Problem> problems;
    private final String source;

    /** One bad field: its JSON path ({@code ""} for the whole document) and what is wrong. */
    public record Problem(String path, String message) {
        @Override
        public String toString() {
            return path.isEmpty() ? message : path + ": " + message;
        }
    }

    public ConfigException(List<Problem> problems) {
        this(null, problems, null);
    }

    private ConfigException(String source, List<Problem> problems, Throwable cause) {
        super((source == null ? "" : source + ": ") + describe(problems), cause);
        this.problems = List.copyOf(problems);
        this.source = source;
    }

    public ConfigException(String path, String message) {
        this(List.of(new Problem(path, message)));
    }

    public ConfigException(String path, String message, Throwable cause) {
        this(null, List.of(new Problem(path, message)), cause);
    }

    /** The same problems, with the message prefixed by where the snapshot came from (a file). */
    public ConfigException withSource(String where) {
        return new ConfigException(where, problems, getCause());
    }

    /** Where the snapshot came from, or null. */
    public String source() {
        return source;
    }

    /** Every problem found, in document order. Never empty. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(p);
        }
        return sb.toString();
    }
}
