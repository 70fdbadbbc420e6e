package io.sipfleet.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which control plane the CLI talks to, and with which API token. First match wins:
 * {@code --url}/{@code --token}, then {@code SIPFLEET_URL}/{@code SIPFLEET_TOKEN}, then the file
 * {@code ./sipfleet up} writes: {@code $XDG_CONFIG_HOME/sipfleet/control.json} (default
 * {@code ~/.config/sipfleet/control.json}) holding {@code {"url": "...", "token": "..."}}.
 */
public record ControlTarget(String url, String token) {

    static final String NOT_FOUND = "no control plane found: run ./sipfleet up or pass --url/--token";

    /** The credentials file's place for this environment. */
    public static Path file(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("sipfleet").resolve("control.json");
    }

    public static ControlTarget resolve(String url, String token, Map<String, String> env) {
        String u = first(url, env.get("SIPFLEET_URL"));
        String t = first(token, env.get("SIPFLEET_TOKEN"));
        if (u == null || t == null) {
            Path f = file(env);
            if (Files.isRegularFile(f)) {
                JsonNode saved;
                try {
                    saved = JsonMapper.builder().build().readTree(Files.readString(f));
                } catch (IOException | RuntimeException e) {
                    throw new IllegalStateException("cannot read " + f + " (" + e.getMessage()
                            + "): fix or delete it, or pass --url/--token");
                }
                u = first(u, text(saved, "url"));
                t = first(t, text(saved, "token"));
            }
        }
        if (u == null || t == null) {
            throw new IllegalStateException(NOT_FOUND + (u != null ? " (a URL was found but no token)" : ""));
        }
        return new ControlTarget(u.endsWith("/") ? u.substring(0, u.length() - 1) : u, t);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isString() || v.asString().isBlank() ? null : v.asString();
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }

    /**
     * The operator's target: URL as for accounts (default http://127.0.0.1:8080), token from
     * {@code --token}, {@code SIPFLEET_OPERATOR_TOKEN}, or the file {@code ./sipfleet control} writes
     * ({@code $XDG_DATA_HOME/sipfleet/operator-token}, default {@code ~/.local/share/sipfleet/operator-token}).
     */
    public static ControlTarget resolveOperator(String url, String token, Map<String, String> env) {
        String u = first(url, env.get("SIPFLEET_URL"));
        if (u == null) {
            Path f = file(env);
            if (Files.isRegularFile(f)) {
                try {
                    u = text(JsonMapper.builder().build().readTree(Files.readString(f)), "url");
                } catch (IOException | RuntimeException ignored) {
                    // a broken credentials file only matters to account verbs
                }
            }
        }
        String t = first(token, env.get("SIPFLEET_OPERATOR_TOKEN"));
        Path tokenFile = operatorTokenFile(env);
        if (t == null && Files.isRegularFile(tokenFile)) {
            try {
                t = Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the operator token " + tokenFile + ": " + e.getMessage());
            }
        }
        if (t == null || t.isEmpty()) {
            throw new IllegalStateException("no operator token: pass --token, set SIPFLEET_OPERATOR_TOKEN, or run on the "
                    + "control plane's machine (" + tokenFile + ")");
        }
        u = u == null ? "http://127.0.0.1:8080" : u;
        return new ControlTarget(u.endsWith("/") ? u.substring(0, u.length() - 1) : u, t);
    }

    static Path operatorTokenFile(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "share");
        return base.resolve("sipfleet").resolve("operator-token");
    }
}
