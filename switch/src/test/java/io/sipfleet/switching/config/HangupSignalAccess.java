package io.sipfleet.switching.config;

/** Lets tests of other packages play a SIGHUP without sending a real one. */
public final class HangupSignalAccess {
    private HangupSignalAccess() {}

    public static void dispatch() {
        HangupSignal.dispatch();
    }
}
