package io.sipfleet.switching.config;

import java.util.List;
import java.util.Optional;

/**
 * Longest-prefix match of a dialled number over the carrier routes, as a digit trie: a lookup
 * reads each digit once, so its cost is the length of the number, whatever the route count.
 *
 * <p>Immutable and safe to share between threads; a new table is built per config snapshot.
 * Numbers are matched as dialled after one leading '+' is dropped (E.164 "+44..." matches prefix
 * "44"); matching stops at the first character that is not a digit, e.g. a ';' of user
 * parameters, so only the digits before it count.
 */
public final class CarrierRoutes {

    private static final CarrierRoutes EMPTY = new CarrierRoutes(new Node(), 0);

    private final Node root;
    private final int size;

    private CarrierRoutes(Node root, int size) {
        this.root = root;
        this.size = size;
    }

    /** One trie level: a child per digit and the route whose prefix ends here, if any. */
    private static final class Node {
        final Node[] next = new Node[10];
        CarrierRoute route;
    }

    /**
     * A table of {@code routes} (already validated: prefixes are digits and unique).
     *
     * @throws IllegalArgumentException if a prefix has a non-digit or appears twice
     */
    public static CarrierRoutes of(List<CarrierRoute> routes) {
        if (routes == null || routes.isEmpty()) {
            return EMPTY;
        }
        Node root = new Node();
        for (CarrierRoute r : routes) {
            Node n = root;
            for (int i = 0; i < r.prefix().length(); i++) {
                int d = r.prefix().charAt(i) - '0';
                if (d < 0 || d > 9) {
                    throw new IllegalArgumentException("route " + r.name() + ": prefix is not digits: " + r.prefix());
                }
                if (n.next[d] == null) {
                    n.next[d] = new Node();
                }
                n = n.next[d];
            }
            if (n.route != null) {
                throw new IllegalArgumentException("routes " + n.route.name() + " and " + r.name()
                        + " have the same prefix \"" + r.prefix() + "\"");
            }
            n.route = r;
        }
        return new CarrierRoutes(root, routes.size());
    }

    /**
     * The route with the longest prefix of {@code number}; the default route (prefix "") when no
     * longer one matches; empty when there is no default route either.
     */
    public Optional<CarrierRoute> route(String number) {
        Node n = root;
        CarrierRoute best = n.route;
        int i = !number.isEmpty() && number.charAt(0) == '+' ? 1 : 0;
        for (; i < number.length(); i++) {
            int d = number.charAt(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            n = n.next[d];
            if (n == null) {
                break;
            }
            if (n.route != null) {
                best = n.route;
            }
        }
        return Optional.ofNullable(best);
    }

    /** How many routes the table holds. */
    public int size() {
        return size;
    }
}
