package io.sipfleet.dispatching;

import java.util.Arrays;
import java.util.Locale;

/** How an initial request picks its switch (the others follow, in order, for failover). */
public enum Algorithm {
    ROUND_ROBIN("round-robin"),
    WEIGHTED("weighted"),
    CALL_ID_HASH("call-id-hash"),
    AOR_HASH("aor-hash"),
    LEAST_LOADED("least-loaded");

    public final String configName;

    Algorithm(String configName) { this.configName = configName; }

    /** The algorithm named {@code name} in the config, or IllegalArgumentException listing the choices. */
    public static Algorithm fromName(String name) {
        for (Algorithm a : values()) if (a.configName.equals(name.toLowerCase(Locale.ROOT))) return a;
        throw new IllegalArgumentException("unknown algorithm \"" + name + "\", expected one of "
                + Arrays.stream(values()).map(a -> a.configName).toList());
    }
}
