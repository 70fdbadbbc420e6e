package io.sipfleet.switching.config;

/** Stops a registration (a config listener, a SIGHUP action); closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
