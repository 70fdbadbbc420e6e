package io.sipfleet.control.server;

import io.sipfleet.control.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses servers get on one machine: {@code prefix + first .. prefix + last}, e.g.
 * 127.0.0.2-127.0.0.254 (127.0.0.1 stays the host's own). Configurable so that test suites and a
 * developer's {@code sipfleet up} on the same machine never hand out the same address. The
 * database's unique key on {@code server.address} settles two deploys racing for one.
 */
public record AddressPool(String prefix, int first, int last) {

    public static final AddressPool DEFAULT = new AddressPool("127.0.0.", 2, 254);

    public AddressPool {
        if (!prefix.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.") || first < 1 || last > 254 || first > last) {
            throw new IllegalArgumentException("address pool must look like 127.0.7.2-254, was " + prefix + first + "-" + last);
        }
    }

    /** {@code "127.0.7.2-254"} or {@code "127.0.7.2-127.0.7.254"}. */
    public static AddressPool parse(String text) {
        String[] parts = text.strip().split("-", 2);
        int dot = parts[0].lastIndexOf('.');
        if (parts.length != 2 || dot < 0) {
            throw new InvalidInputException("address_pool", "must look like 127.0.7.2-254, was '" + text + "'");
        }
        String last = parts[1].substring(parts[1].lastIndexOf('.') + 1);
        try {
            return new AddressPool(parts[0].substring(0, dot + 1), Integer.parseInt(parts[0].substring(dot + 1)),
                    Integer.parseInt(last));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("address_pool", "must look like 127.0.7.2-254, was '" + text + "'");
        }
    }

    Optional<String> nextFree(List<String> used) {
        Set<String> taken = new HashSet<>(used);
        for (int i = first; i <= last; i++) {
            String candidate = prefix + i;
            if (!taken.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return prefix + first + "-" + last;
    }
}
