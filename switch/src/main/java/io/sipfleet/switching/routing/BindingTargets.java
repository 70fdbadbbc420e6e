package io.sipfleet.switching.routing;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.proxy.Target;

/**
 * The targets of recently routed bindings, so that a call to a registered user does not parse the
 * binding's Contact and build its flow's addresses again: the same callee is called over and over
 * (a PBX trunk, a busy extension), and at 5,000 calls/s those copies were also kept for Timer M
 * (32 s) by the proxy's branches, for the collector to copy.
 *
 * <p>Direct-mapped and unsynchronised on purpose: a slot is an immutable pair, published racily
 * (final fields), so a reader sees a whole pair or an older one; a lost write costs one parse. A
 * binding is matched by equality (the Redis store returns new instances for the same binding), so
 * a refreshed binding with a new flow never reuses the old target.
 */
final class BindingTargets {
    private static final int SLOTS = 4096; // a power of two

    private record Slot(Binding binding, Target target) {}

    private final Slot[] slots = new Slot[SLOTS];

    /** The target of {@code b} (see {@link Router#bindingTarget}), or null when it has none. */
    Target of(Binding b) {
        int i = b.hashCode() & (SLOTS - 1);
        Slot s = slots[i];
        if (s != null && (s.binding == b || s.binding.equals(b))) return s.target;
        Target t = Router.bindingTarget(b);
        if (t != null) slots[i] = new Slot(b, t);
        return t;
    }
}
