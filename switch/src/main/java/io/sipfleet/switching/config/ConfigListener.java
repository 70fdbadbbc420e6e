package io.sipfleet.switching.config;

/**
 * Told about every snapshot {@link ConfigHolder} applies, after the swap, in version order, on
 * the thread that applied it. Keep it quick (hand heavy work to another thread): the next
 * apply waits for it. An exception is logged and does not stop the other listeners.
 */
@FunctionalInterface
public interface ConfigListener {
    /** {@code next} is now current; {@code previous} is what it replaced. */
    void configChanged(SwitchConfig previous, SwitchConfig next);
}
