package io.sipfleet.switching.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.BindingListener;
import io.sipfleet.cluster.location.InMemoryLocationStore;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.cluster.location.RegisterRequest;
import io.sipfleet.cluster.location.RegistrationResult;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The registrar never waits for the store: it answers when the store's stage completes, on that thread. */
class RegistrarStoreTest {

    /** A store whose register() completes only when the test says so (a Redis round trip). */
    static final class SlowStore implements LocationStore {
        final InMemoryLocationStore real;
        volatile CompletableFuture<Void> gate = new CompletableFuture<>();
        volatile RuntimeException failure;

        SlowStore(InMemoryLocationStore real) { this.real = real; }

        @Override public CompletionStage<RegistrationResult> register(String aor, RegisterRequest r) {
            return gate.thenCompose(v -> {
                if (failure != null) return CompletableFuture.failedStage(failure);
                return real.register(aor, r);
            });
        }

        @Override public CompletionStage<List<Binding>> lookup(String aor) { return real.lookup(aor); }

        @Override public CompletionStage<Boolean> remove(String aor, String contact) { return real.remove(aor, contact); }

        @Override public CompletionStage<Boolean> removeIfCurrent(Binding seen) { return real.removeIfCurrent(seen); }

        @Override public CompletionStage<Integer> count() { return real.count(); }

        @Override public CompletionStage<Void> forEachOwnedBy(String memberId, Consumer<Binding> action) {
            return real.forEachOwnedBy(memberId, action);
        }

        @Override public CompletionStage<Integer> sweep() { return real.sweep(); }

        @Override public void addListener(BindingListener listener) { real.addListener(listener); }
    }

    SlowStore store;
    final RegistrarHarness h = new RegistrarHarness(clock -> store = new SlowStore(new InMemoryLocationStore(clock)));

    @Test void theAnswerLeavesWhenTheStoreCompletesOnItsOwnThread() throws Exception {
        Reg reg = Reg.of("alice");
        DigestClient alice = DigestClient.withPassword("alice", "alice-pw");
        SipResponse challenge = h.send(reg.build(), RegistrarHarness.NATTED);
        DigestChallenge ch = alice.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        assertThat(h.deliver(reg.cseq(2).authorization(alice.authorize(ch, "REGISTER", reg.requestUri)).build(),
                RegistrarHarness.NATTED)).as("nothing until the store answers").isEmpty();

        Thread storeThread = new Thread(() -> store.gate.complete(null), "store-io");
        storeThread.start();
        storeThread.join(5_000);
        assertThat(h.sent).hasSize(2);
        assertThat(((SipResponse) h.sent.get(1)).statusCode()).isEqualTo(200);
    }

    @Test void aStoreFailureIs500WithRetryAfter() {
        store.failure = new IllegalStateException("redis: connection reset");
        store.gate.complete(null);
        Reg reg = Reg.of("alice");
        DigestClient alice = DigestClient.withPassword("alice", "alice-pw");
        SipResponse r = h.sendAuthenticated(reg, alice);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.header(HeaderName.RETRY_AFTER)).isEqualTo("5");
        assertThat(h.events.results).endsWith(RegistrarEvents.STORE_ERROR);
    }
}
