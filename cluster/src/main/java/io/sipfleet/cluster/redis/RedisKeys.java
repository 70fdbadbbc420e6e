package io.sipfleet.cluster.redis;

import java.util.Objects;

/**
 * The keyspace of one cluster: every key starts with {@code sf:{<clusterId>}:}. The braces are a
 * Redis Cluster hash tag, so all keys of a cluster hash to one slot: the scripts, which touch keys
 * they compute (an AoR hash from an index entry, an owner set from a binding), stay on one node.
 * <pre>
 *   sf:{c}:aor:&lt;aor&gt;        hash        contact -&gt; packed binding
 *   sf:{c}:exp              sorted set  every binding, by expiry (count, sweep)
 *   sf:{c}:own:&lt;memberId&gt;   set         bindings a switch owns (forEachOwnedBy)
 *   sf:{c}:cps:&lt;scope&gt;      sorted set  admissions of the last second, by Redis time; PEXPIRE 2 s
 *   sf:{c}:ch:&lt;scope&gt;       sorted set  callKey -&gt; lease expiry; PEXPIRE past the newest lease
 * </pre>
 */
public final class RedisKeys {
    private final String prefix;

    public RedisKeys(String clusterId) {
        checkClusterId(clusterId);
        this.prefix = "sf:{" + clusterId + "}:";
    }

    /** A cluster id names one keyspace: not empty, no braces (they would end the hash tag), no spaces. */
    public static String checkClusterId(String clusterId) {
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isEmpty() || clusterId.chars().anyMatch(c -> c == '{' || c == '}' || c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("clusterId must be non-empty, without braces, spaces or control characters: \""
                    + clusterId + "\"");
        }
        return clusterId;
    }

    public String prefix() { return prefix; }

    public String aor(String aor) { return prefix + "aor:" + aor; }

    public String expiryIndex() { return prefix + "exp"; }

    public String owner(String memberId) { return prefix + "own:" + memberId; }

    public String cps(String scope) { return prefix + "cps:" + scope; }

    public String channels(String scope) { return prefix + "ch:" + scope; }

    /** A pattern for SCAN MATCH over the whole keyspace (tools and tests; never on a hot path). */
    public String pattern() {
        StringBuilder sb = new StringBuilder(prefix.length() + 4);
        for (char c : prefix.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append('*').toString();
    }
}
