package io.sipfleet.cluster.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One Lua script of the Redis cluster state, run by digest: {@code EVALSHA}, falling back to
 * {@code EVAL} with the source when the server answers {@code NOSCRIPT} (a restarted Redis, a
 * failover to a replica that never saw {@code SCRIPT LOAD}, a {@code SCRIPT FLUSH}); the
 * {@code EVAL} puts it back in the server's cache. {@link #preload} loads it once per connection.
 *
 * <p>Internal to the Redis implementations of {@code io.sipfleet.cluster}: public only because
 * they live in several packages. The sources are resources next to this class; a script is the
 * concatenation of a few of them (a shared prelude, then the script's own body).
 */
public final class LuaScript {
    private final String name;
    private final String source;
    private final String sha1;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
    }

    /** The script made of the resources {@code parts} ({@code "prelude"} for {@code prelude.lua}), in order. */
    public static LuaScript of(String... parts) {
        StringBuilder src = new StringBuilder();
        for (String part : parts) src.append(resource(part)).append('\n');
        return new LuaScript(parts[parts.length - 1], src.toString());
    }

    public String name() { return name; }

    public String sha1() { return sha1; }

    public String source() { return source; }

    /** {@code SCRIPT LOAD}: completes with the digest, which is checked against ours. */
    public CompletionStage<String> preload(RedisScriptingAsyncCommands<String, String> redis) {
        return redis.scriptLoad(source).thenApply(digest -> {
            if (!sha1.equalsIgnoreCase(digest)) {
                throw new IllegalStateException("script " + name + ": server digest " + digest + ", ours " + sha1);
            }
            return digest;
        });
    }

    /**
     * Runs the script. Never blocks: the stage completes on the client's I/O thread, exceptionally
     * with the store's error (timeout, disconnected, script error).
     */
    public <T> CompletionStage<T> run(RedisScriptingAsyncCommands<String, String> redis, ScriptOutputType type,
                                      String[] keys, String... args) {
        CompletableFuture<T> out = new CompletableFuture<>();
        try {
            redis.<T>evalsha(sha1, type, keys, args).whenComplete((value, error) -> {
                if (error == null) {
                    out.complete(value);
                } else if (unwrap(error) instanceof RedisNoScriptException) {
                    redis.<T>eval(source, type, keys, args).whenComplete((v, e) -> {
                        if (e == null) out.complete(v);
                        else out.completeExceptionally(unwrap(e));
                    });
                } else {
                    out.completeExceptionally(unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
        return out;
    }

    public static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    private static String resource(String part) {
        String file = part + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("missing Lua resource " + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public String toString() { return "LuaScript[" + name + " " + sha1 + "]"; }
}
