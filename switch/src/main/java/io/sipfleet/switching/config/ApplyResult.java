package io.sipfleet.switching.config;

/**
 * What {@link ConfigHolder#apply} did with a snapshot.
 *
 * @param outcome what happened
 * @param version the version now current (the old one when refused)
 * @param reason  why it was refused, or a short note; never null
 */
public record ApplyResult(Outcome outcome, long version, String reason) {

    public enum Outcome {
        /** The snapshot is now current and listeners were told. */
        APPLIED,
        /** Same version and content as the current one: nothing to do (a touched file, a repeated SIGHUP). */
        UNCHANGED,
        /** Invalid, older, or the same version with other content: the current snapshot stays. */
        REFUSED
    }

    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }
}
