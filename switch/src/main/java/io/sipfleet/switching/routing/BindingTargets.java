package io.sipfleet.switching.routing;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.proxy.Target;
import java.util.Objects;

/**
 * The targets of recently routed bindings, so that a call to a registered user does not parse the
 * binding's Contact and build its flow's addresses again: the same callee is called over and over
 * (a PBX trunk, a busy extension), and at 5,000 calls/s those copies were also kept for Timer M
 * (32 s) by the proxy's branches, for the collector to copy.
 *
 * <p>A slot is matched on what {@link Router#bindingTarget} reads: AoR, Contact, flow and Path.
 * A refresh (new expiry, CSeq) from the same flow keeps its target; one from a new NAT port or
 * through another Path gets a new one. Direct-mapped and unsynchronised on purpose: a slot is an
 * immutable pair, published racily (final fields), so a reader sees a whole pair or an older one;
 * a lost write costs one parse.
 */
final class BindingTargets {
    private static final int SLOTS = 4096; // a power of two

    private record Slot(Binding binding, Target target) {
        boolean sameTarget(Binding b) {
            return binding == b || (binding.contact().equals(b.contact()) && binding.flow().equals(b.flow())
                    && binding.aor().equals(b.aor()) && Objects.equals(binding.path(), b.path()));
        }
    }

    private final Slot[] slots = new Slot[SLOTS];

    /** The target of {@code b} (see {@link Router#bindingTarget}), or null when it has none. */
    Target of(Binding b) {
        int i = (b.contact().hashCode() * 31 + b.flow().sourcePort()) & (SLOTS - 1);
        Slot s = slots[i];
        if (s != null && s.sameTarget(b)) return s.target;
        Target t = Router.bindingTarget(b);
        if (t != null) slots[i] = new Slot(b, t);
        return t;
    }
}
