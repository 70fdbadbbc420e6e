package io.sipfleet.cluster.location;

import java.util.Objects;

/**
 * One Contact of a REGISTER, after the switch applied its expiry policy (Expires header vs.
 * per-contact expires, min/max clamping, 423 Interval Too Brief): what remains is what to store.
 * Everything shared by all contacts of the request (flow, user agent, member, Path) is on
 * {@link RegisterRequest}.
 *
 * @param contact        the Contact URI in the switch's canonical text form
 * @param expiresSeconds lifetime granted; 0 removes the binding
 * @param q              q in thousandths, or {@link Binding#Q_ABSENT}
 * @param instanceId     +sip.instance, or null
 * @param regId          reg-id, or {@link Binding#NO_REG_ID}
 */
public record ContactUpdate(String contact, int expiresSeconds, int q, String instanceId, int regId) {

    public ContactUpdate {
        Objects.requireNonNull(contact, "contact");
        if (expiresSeconds < 0) throw new IllegalArgumentException("expiresSeconds: " + expiresSeconds);
        Binding.checkQ(q);
        if (regId < Binding.NO_REG_ID) throw new IllegalArgumentException("regId: " + regId);
        if (regId != Binding.NO_REG_ID && instanceId == null) {
            // RFC 5626 4.2: reg-id only means something next to +sip.instance; the switch drops it.
            throw new IllegalArgumentException("reg-id without +sip.instance");
        }
    }

    /** A plain contact: no q, no instance. */
    public static ContactUpdate of(String contact, int expiresSeconds) {
        return new ContactUpdate(contact, expiresSeconds, Binding.Q_ABSENT, null, Binding.NO_REG_ID);
    }

    /** Same binding as {@code b}: same contact text, or same RFC 5626 instance and reg-id. */
    boolean matches(Binding b) {
        return contact.equals(b.contact()) || b.sameInstance(instanceId, regId);
    }

    boolean sameKey(ContactUpdate o) {
        return contact.equals(o.contact)
                || (instanceId != null && instanceId.equals(o.instanceId) && regId == o.regId);
    }
}
