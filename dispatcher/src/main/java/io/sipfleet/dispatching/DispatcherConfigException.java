package io.sipfleet.dispatching;

/** A dispatcher snapshot that cannot be used; the message names the field(s) at fault. */
public final class DispatcherConfigException extends Exception {
    public DispatcherConfigException(String message) { super(message); }
}
