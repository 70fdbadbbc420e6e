package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import io.sipfleet.sip.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Design target: 100,000 bindings in well under 100 MiB, under 1 KiB each. Measured as the heap
 * retained after full GCs, best of a few attempts (anything else running only adds), with the
 * strings a real REGISTER carries: unique Contact, Call-ID, source address, +sip.instance on half.
 */
class InMemoryLocationStoreFootprintTest {
    static final int BINDINGS = 100_000;
    static final long T0 = 1_700_000_000_000L;
    static final String[] USER_AGENTS = {
            "Yealink SIP-T54W 96.86.0.70", "Polycom/6.4.3.5018 PolycomVVX-VVX_450-UA/6.4.3.5018",
            "Grandstream GXP2170 1.0.11.23", "Linphone/5.2.0 (belle-sip/5.2.0)", "Zoiper rv2.10.19.4",
            "MicroSIP/3.21.3", "Cisco-CP8845/14.2.1", "snom D785/10.1.159.12", "FRITZ!OS", "Bria 6 6.8.1"};

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void hundredThousandBindingsFitWellUnder100MiB() {
        long best = Long.MAX_VALUE;
        long started = System.nanoTime();
        for (int attempt = 0; attempt < 3; attempt++) {
            long before = usedAfterGc();
            InMemoryLocationStore store = populate();
            long after = usedAfterGc();
            assertThat(store.lookup("sip:+4930" + (10_000_000 + 4242) + "@ims.example.net")
                    .toCompletableFuture().join()).hasSize(1);
            Reference.reachabilityFence(store);
            best = Math.min(best, after - before);
        }
        long perBinding = best / BINDINGS;
        System.out.printf("location store footprint: %,d bindings retain %,d bytes (%.1f MiB), %d bytes per binding "
                        + "(%s, %d ms incl. GCs)%n", BINDINGS, best, best / 1048576.0, perBinding,
                System.getProperty("java.version"), (System.nanoTime() - started) / 1_000_000);
        assertThat(best).isLessThan(100L * 1024 * 1024);
        assertThat(perBinding).isLessThan(1024);
    }

    private static InMemoryLocationStore populate() {
        InMemoryLocationStore store = new InMemoryLocationStore(new MutableClock(T0));
        for (int i = 0; i < BINDINGS; i++) {
            String user = "+4930" + (10_000_000 + i);
            String ip = "100." + (64 + (i >> 16 & 63)) + "." + (i >> 8 & 255) + "." + (i & 255);
            String contact = "sip:" + user + "@192.168." + (i >> 8 & 255) + "." + (i & 255) + ":5060;transport=udp";
            String callId = Long.toHexString(0x9E3779B97F4A7C15L * (i + 1)) + "-" + i + "@192.168.1.2";
            String instance = (i & 1) == 0 ? "<urn:uuid:" + new java.util.UUID(i, ~i) + ">" : null;
            Flow flow = new Flow(Transport.UDP, ip, 1024 + (i % 60_000), "10.0.0.1", 5060);
            ContactUpdate cu = new ContactUpdate(contact, 3600, Binding.Q_ABSENT, instance, instance == null ? -1 : 1);
            RegisterRequest req = new RegisterRequest(callId, 1 + (i % 50), false, List.of(cu), flow,
                    USER_AGENTS[i % USER_AGENTS.length], "switch-a", null, 0, T0);
            RegistrationResult r = store.register("sip:" + user + "@ims.example.net", req).toCompletableFuture().join();
            if (!r.isOk()) throw new AssertionError(r);
        }
        return store;
    }

    private static long usedAfterGc() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            min = Math.min(min, mx.getHeapMemoryUsage().getUsed());
        }
        return min;
    }
}
