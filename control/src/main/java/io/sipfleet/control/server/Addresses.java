package io.sipfleet.control.server;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Server addresses on one machine: 127.0.0.2 upward (127.0.0.1 stays the host's own). The
 * database's unique key on {@code server.address} settles two deploys racing for the same one.
 */
final class Addresses {

    static final int FIRST = 2;
    static final int LAST = 254;

    private Addresses() {
    }

    static Optional<String> nextFree(List<String> used) {
        Set<String> taken = new HashSet<>(used);
        for (int i = FIRST; i <= LAST; i++) {
            String candidate = "127.0.0." + i;
            if (!taken.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
