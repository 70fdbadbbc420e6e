package io.sipfleet.cluster.location;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Short ways to write REGISTERs in tests. */
final class Registers {
    static final Flow FLOW = Flow.udp("203.0.113.7", 40123, "10.0.0.1", 5060);
    static final String MEMBER = "switch-a";

    private Registers() {}

    static RegisterRequest req(String callId, long cseq, long now, ContactUpdate... contacts) {
        return new RegisterRequest(callId, cseq, false, List.of(contacts), FLOW, "PhoneX/1.0", MEMBER, null, 0, now);
    }

    static RegisterRequest wildcard(String callId, long cseq, long now) {
        return new RegisterRequest(callId, cseq, true, List.of(), FLOW, null, MEMBER, null, 0, now);
    }

    static ContactUpdate c(String contact, int expires) { return ContactUpdate.of(contact, expires); }

    static ContactUpdate cq(String contact, int expires, int q) {
        return new ContactUpdate(contact, expires, q, null, Binding.NO_REG_ID);
    }

    static ContactUpdate ci(String contact, int expires, String instance, int regId) {
        return new ContactUpdate(contact, expires, Binding.Q_ABSENT, instance, regId);
    }

    /** In-memory stages are complete: take the value (or rethrow). */
    static <T> T get(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
