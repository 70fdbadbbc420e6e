package io.sipfleet.bench.keepalive;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sipfleet.cluster.location.ContactUpdate;
import io.sipfleet.cluster.location.Flow;
import io.sipfleet.cluster.location.InMemoryLocationStore;
import io.sipfleet.cluster.location.RegisterRequest;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.switching.keepalive.KeepAliveEvents;
import io.sipfleet.switching.keepalive.KeepAliveScheduler;
import io.sipfleet.switching.keepalive.KeepAliveSettings;
import io.sipfleet.switching.keepalive.KeepAliveStats;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the UAC ping costs: N bindings (default 100,000) pinged with OPTIONS every interval
 * (default 30 s) by the real {@link KeepAliveScheduler} on its own thread, through a real
 * {@link TransactionLayer} (its own timer, retransmission timers armed and cancelled), for one
 * interval after a warm-up. No network: the "transport" serializes each request into a buffer,
 * a simulated UA answers each one 200 OK, and the answer is parsed and handed to the layer like
 * a transport would, so the measured path is the whole steady state (build, serialize, arm
 * timers, parse the answer, match it, measure the RTT, settle the transaction).
 *
 * <p>Reported: process CPU time over the window, minus the simulated UA's thread (building a
 * response is the UA's work, not the switch's), as % of one core and µs per ping; plus the
 * keep-alive thread alone and its allocation per ping.
 *
 * <pre>
 * java -cp "bench/target/sipfleet-bench.jar:bench/target/lib/*" io.sipfleet.bench.keepalive.KeepAliveBench \
 *      [bindings=100000] [intervalSeconds=30] [warmupSeconds=interval] [measureSeconds=interval]
 * </pre>
 */
public final class KeepAliveBench {
    private static final String MEMBER = "bench-1";

    public static void main(String[] args) throws Exception {
        int bindings = arg(args, 0, 100_000);
        int interval = arg(args, 1, 30);
        int warmup = arg(args, 2, interval); // C2 needs a few thousand pings to settle
        int measure = arg(args, 3, interval);

        Ua ua = new Ua();
        ForwardingUser tu = new ForwardingUser();
        SerializingSender sender = new SerializingSender(ua);
        try (TransactionLayer layer = new TransactionLayer(tu, sender)) {
            ua.layer = layer;
            ua.sender = sender;
            InMemoryLocationStore store = new InMemoryLocationStore(Clock.systemUTC());
            KeepAliveSettings settings = KeepAliveSettings.defaults(MEMBER).withIntervalSeconds(interval)
                    .withFromDomain("bench.example");
            KeepAliveScheduler scheduler = new KeepAliveScheduler(settings, layer, to -> {}, store, KeepAliveEvents.NONE);
            tu.scheduler = scheduler;
            store.addListener(scheduler);

            long now = System.currentTimeMillis();
            for (int i = 0; i < bindings; i++) {
                String aor = "sip:user" + i + "@bench.example";
                store.register(aor, new RegisterRequest("reg-" + i + "@bench", 1, false,
                        List.of(ContactUpdate.of("sip:user" + i + "@192.168." + (i >> 8 & 255) + "." + (i & 255)
                                + ":5060;ob", 3600)),
                        Flow.udp("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 20_000 + i % 40_000,
                                "192.0.2.1", 5060), "bench-phone/1.0", MEMBER, null, 0, now));
            }
            scheduler.reconcile().toCompletableFuture().join(); // loads them as after a restart
            ua.start();
            scheduler.start();
            System.out.printf(Locale.ROOT, "tracking %,d bindings, OPTIONS every %d s; warming up %d s, measuring %d s%n",
                    scheduler.stats().tracked(), interval, warmup, measure);
            Thread.sleep(warmup * 1000L);

            Sample before = Sample.take(ua.thread);
            KeepAliveStats s0 = scheduler.stats();
            Thread.sleep(measure * 1000L);
            Sample after = Sample.take(ua.thread);
            KeepAliveStats s1 = scheduler.stats();
            scheduler.close();
            ua.stop();

            report(bindings, interval, before, after, s0, s1, sender.bytes.get(), layer.retransmissionsSent());
        }
    }

    private static void report(int bindings, int interval, Sample a, Sample b, KeepAliveStats s0, KeepAliveStats s1,
                               long bytes, long retransmissions) {
        double wall = (b.wallNanos - a.wallNanos) / 1e9;
        long pings = s1.sent() - s0.sent();
        long switchCpu = (b.processCpu - a.processCpu) - (b.uaCpu - a.uaCpu);
        long kaCpu = b.keepAliveCpu - a.keepAliveCpu;
        long kaAlloc = b.keepAliveAlloc - a.keepAliveAlloc;
        System.out.printf(Locale.ROOT, "window %.1f s: %,d pings sent (%.0f/s), %,d answered, %,d unanswered, "
                        + "%,d lost, %,d retransmissions (whole run), %d bytes per OPTIONS%n", wall, pings, pings / wall,
                s1.answered() - s0.answered(), s1.unanswered() - s0.unanswered(), s1.lost() - s0.lost(),
                retransmissions, bytes / Math.max(1, s1.sent()));
        System.out.printf(Locale.ROOT, "switch CPU (process minus simulated UA): %.3f s = %.2f%% of one core, %.2f µs per ping%n",
                switchCpu / 1e9, 100.0 * switchCpu / (wall * 1e9), switchCpu / 1e3 / Math.max(1, pings));
        System.out.printf(Locale.ROOT, "  of which the keep-alive thread: %.3f s = %.2f%% of one core, %.2f µs and %,d bytes "
                        + "allocated per ping%n", kaCpu / 1e9, 100.0 * kaCpu / (wall * 1e9),
                kaCpu / 1e3 / Math.max(1, pings), kaAlloc / Math.max(1, pings));
        StringBuilder top = new StringBuilder();
        b.threadCpu().entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - a.threadCpu().getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 1_000_000)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> top.append(String.format(Locale.ROOT, " %s %.0f ms;", e.getKey(), e.getValue() / 1e6)));
        long jvm = (b.processCpu - a.processCpu) - b.threadCpu().entrySet().stream()
                .mapToLong(e -> e.getValue() - a.threadCpu().getOrDefault(e.getKey(), 0L)).sum();
        System.out.printf(Locale.ROOT, "  Java threads:%s JVM (GC, JIT, ...) %.0f ms%n", top, jvm / 1e6);
        System.out.printf(Locale.ROOT, "  process incl. simulated UA: %.3f s = %.2f%% of one core; %,d bindings every %d s%n",
                (b.processCpu - a.processCpu) / 1e9, 100.0 * (b.processCpu - a.processCpu) / (wall * 1e9), bindings,
                interval);
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i].replace("_", "")) : dflt;
    }

    /** CPU counters at one instant. */
    private record Sample(long wallNanos, long processCpu, long uaCpu, long keepAliveCpu, long keepAliveAlloc,
                          java.util.Map<String, Long> threadCpu) {
        static Sample take(Thread uaThread) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long ka = -1, alloc = -1;
            java.util.Map<String, Long> perThread = new java.util.HashMap<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                perThread.merge(t.getName(), Math.max(0, threads.getThreadCpuTime(t.threadId())), Long::sum);
                if (t.getName().equals("sip-keepalive")) {
                    ka = threads.getThreadCpuTime(t.threadId());
                    alloc = threads.getThreadAllocatedBytes(t.threadId());
                }
            }
            return new Sample(System.nanoTime(), os.getProcessCpuTime(), threads.getThreadCpuTime(uaThread.threadId()),
                    ka, alloc, perThread);
        }
    }

    /** The switch's TransactionUser, reduced to what the keep-alives need. */
    private static final class ForwardingUser implements TransactionUser {
        volatile KeepAliveScheduler scheduler;

        @Override public void onRequest(ServerTransaction tx, SipRequest request) {}
        @Override public void onAck(SipRequest ack, Peer from) {}
        @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) {}
        @Override public void onResponse(ClientTransaction tx, SipResponse response) { scheduler.onResponse(tx, response); }
        @Override public void onTimeout(ClientTransaction tx) { scheduler.onTimeout(tx); }
        @Override public void onTerminated(Transaction tx) { scheduler.onTerminated(tx); }
    }

    /** The transport without a network: encodes each message into one reused buffer, then drops it. */
    private static final class SerializingSender implements SipSender {
        private final ByteBuf buf = Unpooled.buffer(2048);
        final AtomicLong bytes = new AtomicLong();
        private final Ua ua;

        SerializingSender(Ua ua) { this.ua = ua; }

        @Override public void send(SipMessage message, Peer to) {
            synchronized (buf) {
                buf.clear();
                message.writeTo(buf);
                bytes.addAndGet(buf.readableBytes());
            }
            if (message instanceof SipRequest r) ua.inbox.add(new Ua.Received(r, to));
        }
    }

    /**
     * The phones, on their own thread (its CPU is subtracted): answer every OPTIONS 200 as bytes.
     * A second thread plays the switch's transport (its CPU counts): parse the answer, hand it to
     * the layer, which matches it and calls the scheduler.
     */
    private static final class Ua {
        record Received(SipRequest request, Peer from) {}
        record Answer(byte[] bytes, Peer from) {}

        final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Answer> wire = new LinkedBlockingQueue<>();
        final Thread thread = new Thread(this::answer, "simulated-ua");
        final Thread transport = new Thread(this::receive, "simulated-transport");
        volatile TransactionLayer layer;
        volatile SipSender sender;

        void start() {
            thread.setDaemon(true);
            transport.setDaemon(true);
            thread.start();
            transport.start();
        }

        void stop() {
            thread.interrupt();
            transport.interrupt();
        }

        private void answer() {
            try {
                while (true) {
                    Received r = inbox.take();
                    wire.add(new Answer(Responses.bytes(r.request(), 200, "OK", "ua", null, null), r.from()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void receive() {
            try {
                while (true) {
                    Answer a = wire.take();
                    SipMessage parsed = SipParser.parse(a.bytes());
                    layer.onMessage(new Inbound(parsed, a.from(), System.nanoTime()), sender);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
