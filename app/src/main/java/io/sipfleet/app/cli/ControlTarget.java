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
}
