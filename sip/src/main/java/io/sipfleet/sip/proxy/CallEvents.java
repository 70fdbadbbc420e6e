package io.sipfleet.sip.proxy;

import io.sipfleet.sip.message.SipResponse;

/**
 * What the switch core learns about a request it handed to the proxy: the final answer the caller
 * got, and which target gave it. Used for channels, dialogs and CDRs. Called once per forwarded
 * request, on an event loop or the timer thread; must not block.
 */
public interface CallEvents {
    CallEvents NONE = (response, target) -> {};

    /** {@code target}: the branch whose response this is, or null when the proxy made it up (408, 487 ...). */
    void onFinal(SipResponse response, Target target);
}
