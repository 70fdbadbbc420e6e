package io.sipfleet.cluster.location;

/**
 * Told of every binding a store removes, whatever removed it, so the keep-alive scheduler can
 * stop pinging and metrics can count. Called on the thread that made the change (a Netty event
 * loop, or the sweep timer), after the change is visible: do not block, do not call back into the
 * store synchronously. A {@link RegistrationResult} reports the same removals to the REGISTER's
 * caller: count from one of the two, not both.
 */
@FunctionalInterface
public interface BindingListener {

    enum Cause {
        /** Its lifetime ran out (found by a sweep, or while updating the AoR). */
        EXPIRED,
        /** expires=0 or {@code Contact: *}. */
        UNREGISTERED,
        /** The same +sip.instance/reg-id registered a new contact URI (RFC 5626). */
        REPLACED,
        /** Removed by the switch: keep-alive lost, flow closed, operator action. */
        DROPPED
    }

    void onRemoved(Binding binding, Cause cause);
}
