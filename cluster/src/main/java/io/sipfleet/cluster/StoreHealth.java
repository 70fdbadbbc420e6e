package io.sipfleet.cluster;

import java.util.function.Consumer;

/**
 * Whether the shared store behind a {@link ClusterState} is reachable now, and a way to hear when
 * that changes: for the switch's metrics ({@code sipfleet_store_connected}), its logs, and to
 * re-assert what it holds (channel leases) the moment the store is back. In-memory state is
 * always reachable ({@link #ALWAYS}).
 */
public interface StoreHealth {

    /** True while the store answers (a Redis connection that is up; it reconnects by itself). */
    boolean connected();

    /**
     * Adds a listener told {@code true} when the store comes back and {@code false} when it goes,
     * on the store client's thread: it must not block.
     */
    void onChange(Consumer<Boolean> listener);

    /** A store that is part of this process and cannot go away. */
    StoreHealth ALWAYS = new StoreHealth() {
        @Override public boolean connected() { return true; }
        @Override public void onChange(Consumer<Boolean> listener) {}
        @Override public String toString() { return "StoreHealth.ALWAYS"; }
    };
}
