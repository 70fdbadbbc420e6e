package io.sipfleet.switching.registrar;

import io.sipfleet.cluster.location.Binding;

/**
 * What the registrar reports, for the switch to wire to Micrometer counters and to the
 * keep-alive scheduler. Called on the thread that completed the store update (an event loop or a
 * store thread): do not block. Removals by expiry or by the keep-alive are not reported here but
 * by the store's {@code BindingListener} (count each removal from one of the two, not both).
 */
public interface RegistrarEvents {
    /** Results passed to {@link #onResult}: a small fixed set, fit for a metric tag. */
    String REGISTERED = "registered", QUERY = "query", UNREGISTERED = "unregistered",
            CHALLENGED = "challenged", FORBIDDEN = "forbidden", NOT_OWNER = "not_owner",
            BAD_REQUEST = "bad_request", BAD_EXTENSION = "bad_extension", INTERVAL_TOO_BRIEF = "interval_too_brief",
            OUT_OF_ORDER = "out_of_order", REPEATED = "repeated", TOO_MANY_BINDINGS = "too_many_bindings", STORE_ERROR = "store_error";

    /** A binding was added, or refreshed (new expiry, maybe a new flow): (re)schedule its pings. */
    void onRegistered(Binding binding);

    /** The REGISTER removed the binding (expires=0, {@code Contact: *}, replaced instance): stop pinging. */
    void onRemoved(Binding binding);

    /** One per REGISTER answered, with one of the constants above. */
    void onResult(String result);

    RegistrarEvents NONE = new RegistrarEvents() {
        @Override public void onRegistered(Binding binding) {}

        @Override public void onRemoved(Binding binding) {}

        @Override public void onResult(String result) {}
    };
}
