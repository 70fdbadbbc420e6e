package io.sipfleet.cluster.location;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.sipfleet.cluster.location.AorUpdate.Removal;
import io.sipfleet.cluster.location.BindingListener.Cause;
import io.sipfleet.cluster.location.RegistrationResult.Status;
import io.sipfleet.cluster.redis.DelayedFlush;
import io.sipfleet.cluster.redis.LuaScript;
import io.sipfleet.cluster.redis.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The location service of a cluster, shared by all its switches through Redis. Each REGISTER is
 * one Lua script ({@code location-register.lua}) that applies RFC 3261 10.3 steps 6-8 with the
 * same rules as {@link AorUpdate}: the Call-ID/CSeq checks and all the request's updates happen in
 * one atomic step on the server, all or nothing, whichever switch the REGISTER reached.
 *
 * <p>Keyspace (prefix {@code sf:{<clusterId>}:}, see {@link RedisKeys}):
 * <ul>
 *   <li>{@code aor:<aor>}: hash, contact to packed binding ({@link PackedBinding});</li>
 *   <li>{@code exp}: sorted set of every binding (as {@code <len>:<aor><contact>}) scored by its
 *       expiry: {@link #count()} is its cardinality, {@link #sweep()} takes its head;</li>
 *   <li>{@code own:<memberId>}: set of the bindings a switch owns, paged through by
 *       {@link #forEachOwnedBy}.</li>
 * </ul>
 * The scripts keep the three in step. Keys carry no Redis TTL: a binding lives until a sweep (by
 * any member) or a REGISTER of its AoR drops it, and until then lookups filter it out.
 *
 * <p>Time: every expiry decision and every new binding's times come from the Redis server's clock
 * ({@code TIME} inside the script); {@link RegisterRequest#nowMillis()} is ignored, so switches with
 * skewed clocks never disagree on what has expired.
 *
 * <p>Listeners are local: they hear the removals made through this instance (its REGISTERs,
 * removes and the bindings its own sweep removed), on the Redis client's I/O thread, before the
 * stage completes. A binding that another switch removes or sweeps is reported there.
 *
 * <p><b>Batched REGISTERs</b> (when built with a flush window, as {@code RedisClusterState} does
 * under {@code -Dsipfleet.redis.registerWindowMicros}): a REGISTER waits at most the window for
 * others, and those that arrived in it go in one {@code location-register-many.lua} call, applied
 * in arrival order, each exactly as the single script would; its stage completes with its own
 * answer, or fails alone (a store error fails the whole batch). What this saves is per command,
 * not per binding: on loopback Redis spends about as much reading, parsing and answering an
 * {@code EVALSHA} as running the register script (cluster run 12 in bench/RESULTS.md), and the
 * member encodes and writes each command.
 *
 * <p>Every method returns at once; a stage that fails means a store error (Redis unreachable, a
 * timeout, a script error).
 */
public final class RedisLocationStore implements LocationStore {
    private static final Logger log = LoggerFactory.getLogger(RedisLocationStore.class);

    static final LuaScript LOOKUP = LuaScript.of("prelude", "location-lib", "location-lookup");
    static final LuaScript REGISTER = LuaScript.of("prelude", "location-lib", "location-register-lib", "location-register");
    static final LuaScript REGISTER_MANY = LuaScript.of("prelude", "location-lib", "location-register-lib", "location-register-many");
    static final LuaScript REMOVE = LuaScript.of("prelude", "location-lib", "location-remove");
    static final LuaScript OWNED = LuaScript.of("prelude", "location-lib", "location-owned");
    static final LuaScript SWEEP = LuaScript.of("prelude", "location-lib", "location-sweep");
    static final LuaScript COUNT = LuaScript.of("location-count");
    static final List<LuaScript> SCRIPTS = List.of(LOOKUP, REGISTER, REGISTER_MANY, REMOVE, OWNED, SWEEP, COUNT);

    /** Index entries one sweep script looks at: bounds how long one script holds the server. */
    static final int SWEEP_BATCH = 500;
    /** Owner-index entries per page of {@link #forEachOwnedBy} (SSCAN COUNT). */
    static final int OWNED_PAGE = 500;

    private static final Status[] STATUS = {Status.OK, Status.OUT_OF_ORDER, Status.TOO_MANY_BINDINGS, Status.REPEATED};

    private final RedisScriptingAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    /** Null in production (Redis TIME); tests fix the time to step through expiries. */
    private final LongSupplier testClock;
    private final List<BindingListener> listeners = new CopyOnWriteArrayList<>();

    /** A REGISTER waiting for the next register-many call. */
    private record Waiting(String aor, RegisterRequest request, List<ContactUpdate> contacts,
                           CompletableFuture<RegistrationResult> result) {}

    private final int maxBatch;
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    /** Null: every REGISTER is a script call of its own, at once. */
    private final DelayedFlush registerFlush;

    /**
     * The store of cluster {@code clusterId} on {@code redis}, whose connection the caller owns.
     * Everything goes through scripts, so only the scripting commands are needed: what
     * {@link io.sipfleet.cluster.RedisClusterState} passes is a standalone (or Sentinel)
     * {@code RedisClient} connection's; see there for Redis Cluster.
     */
    public RedisLocationStore(RedisScriptingAsyncCommands<String, String> redis, String clusterId) {
        this(redis, clusterId, null);
    }

    /** {@code testClock}: the time the scripts use instead of Redis TIME (tests step through expiries); null for TIME. */
    public RedisLocationStore(RedisScriptingAsyncCommands<String, String> redis, String clusterId, LongSupplier testClock) {
        this(redis, clusterId, testClock, null, 0, 1);
    }

    /**
     * A store whose REGISTERs are batched (see the class comment): sent {@code windowMicros} after
     * the first of them on {@code flusher}, or at once when {@code maxBatch} wait.
     */
    public RedisLocationStore(RedisScriptingAsyncCommands<String, String> redis, String clusterId,
                              ScheduledExecutorService flusher, long windowMicros, int maxBatch) {
        this(redis, clusterId, null, Objects.requireNonNull(flusher, "flusher"), windowMicros, maxBatch);
    }

    RedisLocationStore(RedisScriptingAsyncCommands<String, String> redis, String clusterId, LongSupplier testClock,
                       ScheduledExecutorService flusher, long windowMicros, int maxBatch) {
        if (windowMicros < 0) throw new IllegalArgumentException("register window must be >= 0 us: " + windowMicros);
        if (maxBatch < 1) throw new IllegalArgumentException("register batch must be >= 1: " + maxBatch);
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = new RedisKeys(clusterId);
        this.testClock = testClock;
        this.maxBatch = maxBatch;
        this.registerFlush = flusher == null ? null : new DelayedFlush(flusher, windowMicros, this::flushRegisters);
    }

    /** {@code SCRIPT LOAD} of this store's scripts (they also load themselves on first use). */
    public static List<LuaScript> scripts() { return SCRIPTS; }

    @Override
    public CompletionStage<List<Binding>> lookup(String aor) {
        try {
            Objects.requireNonNull(aor, "aor");
            return LOOKUP.<List<Object>>run(redis, ScriptOutputType.MULTI, new String[] {keys.aor(aor)}, now())
                    .thenApply(reply -> bindings(aor, reply, 1));
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /**
     * The bindings of {@code aor} in a script reply that lists them from {@code from} on as
     * (contact, packed binding) pairs ({@code location-lookup.lua}, {@code admit-callee.lua}), in
     * lookup order.
     */
    public static List<Binding> bindings(String aor, List<Object> reply, int from) {
        List<Binding> out = new ArrayList<>(Math.max(0, (reply.size() - from) / 2));
        for (int i = from; i + 1 < reply.size(); i += 2) {
            out.add(PackedBinding.decode(aor, (String) reply.get(i), (String) reply.get(i + 1)));
        }
        out.sort(AorUpdate.ORDER);
        return List.copyOf(out);
    }

    /** The key of {@code aor}'s bindings (scripts that read them alongside other keys). */
    public String aorKey(String aor) { return keys.aor(aor); }

    @Override
    public CompletionStage<RegistrationResult> register(String aor, RegisterRequest request) {
        try {
            Objects.requireNonNull(aor, "aor");
            Objects.requireNonNull(request, "request");
            List<ContactUpdate> contacts = AorUpdate.lastWins(request.contacts());
            if (registerFlush == null) {
                List<String> args = new ArrayList<>(9 + 6 * contacts.size());
                args.add(now());
                args.add(keys.prefix());
                addRequest(args, aor, request, contacts);
                return REGISTER.<List<Object>>run(redis, ScriptOutputType.MULTI,
                                new String[] {keys.aor(aor), keys.expiryIndex()}, args.toArray(String[]::new))
                        .thenApply(reply -> registered(aor, request, contacts, reply));
            }
            CompletableFuture<RegistrationResult> result = new CompletableFuture<>();
            waiting.add(new Waiting(aor, request, contacts, result));
            if (waitingCount.incrementAndGet() >= maxBatch) flushRegisters();
            else registerFlush.request();
            return result;
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /** One request's arguments as {@code register_one} reads them (location-register-lib.lua). */
    private static void addRequest(List<String> args, String aor, RegisterRequest request, List<ContactUpdate> contacts) {
        args.add(aor);
        args.add(request.callId());
        args.add(Long.toString(request.cseq()));
        args.add(request.isQuery() ? "q" : request.wildcard() ? "w" : "c");
        args.add(Integer.toString(request.maxBindings()));
        args.add(request.memberId());
        args.add(Integer.toString(contacts.size()));
        for (ContactUpdate cu : contacts) {
            args.add(cu.contact());
            args.add(Integer.toString(cu.expiresSeconds()));
            args.add(cu.instanceId() == null ? "0" : "1");
            args.add(cu.instanceId() == null ? "" : cu.instanceId());
            args.add(Integer.toString(cu.regId()));
            args.add(cu.expiresSeconds() == 0 ? "" : PackedBinding.afterTimes(request, cu));
        }
    }

    /** Sends every waiting REGISTER now, {@link #maxBatch} per script call, in arrival order. */
    private void flushRegisters() {
        for (;;) {
            List<Waiting> batch = new ArrayList<>(Math.min(maxBatch, 16));
            Waiting w;
            while (batch.size() < maxBatch && (w = waiting.poll()) != null) batch.add(w);
            if (batch.isEmpty()) return;
            waitingCount.addAndGet(-batch.size());
            sendBatch(batch);
        }
    }

    private void sendBatch(List<Waiting> batch) {
        String[] keyList = new String[1 + batch.size()];
        keyList[0] = keys.expiryIndex();
        List<String> args = new ArrayList<>(3 + 13 * batch.size());
        args.add(now());
        args.add(keys.prefix());
        args.add(Integer.toString(batch.size()));
        for (int i = 0; i < batch.size(); i++) {
            Waiting w = batch.get(i);
            keyList[1 + i] = keys.aor(w.aor());
            addRequest(args, w.aor(), w.request(), w.contacts());
        }
        CompletionStage<List<Object>> sent;
        try {
            sent = REGISTER_MANY.run(redis, ScriptOutputType.MULTI, keyList, args.toArray(String[]::new));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedStage(e);
        }
        sent.whenComplete((replies, error) -> {
            for (int i = 0; i < batch.size(); i++) {
                Waiting w = batch.get(i);
                if (error != null) {
                    w.result().completeExceptionally(LuaScript.unwrap(error));
                    continue;
                }
                try {
                    @SuppressWarnings("unchecked")
                    List<Object> reply = (List<Object>) replies.get(i);
                    if ((Long) reply.get(0) < 0) {
                        throw new IllegalStateException("register script failed for " + w.aor() + ": " + reply.get(1));
                    }
                    w.result().complete(registered(w.aor(), w.request(), w.contacts(), reply));
                } catch (RuntimeException e) {
                    w.result().completeExceptionally(e);
                }
            }
        });
    }

    /**
     * The script's flat reply (see {@code location-register.lua}): the bindings the request wrote
     * are built here from the request and the store's time, exactly as the script packed them;
     * only the AoR's other bindings and the removals come back as text.
     */
    private RegistrationResult registered(String aor, RegisterRequest request, List<ContactUpdate> contacts,
                                          List<Object> reply) {
        Status status = STATUS[(int) (long) (Long) reply.get(0)];
        long now = (Long) reply.get(1);
        String written = (String) reply.get(2);
        int others = (int) (long) (Long) reply.get(3);
        List<Binding> bindings = new ArrayList<>(others + written.length());
        List<Binding> added = new ArrayList<>(1), refreshed = new ArrayList<>(1), removed = new ArrayList<>(0);
        int i = 4;
        for (int end = 4 + 2 * others; i < end; i += 2) {
            bindings.add(PackedBinding.decode(aor, (String) reply.get(i), (String) reply.get(i + 1)));
        }
        for (int c = 0; c < written.length(); c++) {
            char w = written.charAt(c);
            if (w == '-') continue;
            Binding b = written(aor, request, contacts.get(c), now);
            bindings.add(b);
            (w == 'a' ? added : refreshed).add(b);
        }
        if (bindings.size() > 1) bindings.sort(AorUpdate.ORDER);
        if (i < reply.size()) {
            List<Removal> removals = removals(aor, reply.subList(i, reply.size()));
            for (Removal r : removals) if (r.cause() != Cause.EXPIRED) removed.add(r.binding());
            fire(removals);
        }
        return new RegistrationResult(status, bindings, added, refreshed, removed, now);
    }

    /** The binding the script stored for {@code cu}: what {@code location-register.lua} packs, field by field. */
    private static Binding written(String aor, RegisterRequest r, ContactUpdate cu, long now) {
        return new Binding(aor, cu.contact(), now + cu.expiresSeconds() * 1000L, cu.q(), r.callId(), r.cseq(), r.flow(),
                cu.instanceId(), cu.regId(), r.userAgent(), r.memberId(), now, r.path());
    }


    private static List<Removal> removals(String aor, List<?> flat) {
        List<Removal> out = new ArrayList<>(flat.size() / 3);
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            out.add(new Removal(PackedBinding.decode(aor, (String) flat.get(i + 1), (String) flat.get(i + 2)),
                    Cause.valueOf((String) flat.get(i))));
        }
        return out;
    }

    @Override
    public CompletionStage<Boolean> remove(String aor, String contact) {
        return removeWhere(aor, contact, null, 0);
    }

    @Override
    public CompletionStage<Boolean> removeIfCurrent(Binding seen) {
        try {
            return removeWhere(seen.aor(), seen.contact(), seen.callId(), seen.cseq());
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    private CompletionStage<Boolean> removeWhere(String aor, String contact, String callId, long cseq) {
        try {
            Objects.requireNonNull(aor, "aor");
            Objects.requireNonNull(contact, "contact");
            return REMOVE.<String>run(redis, ScriptOutputType.VALUE, new String[] {keys.aor(aor), keys.expiryIndex()},
                    now(), keys.prefix(), aor, contact, callId == null ? "0" : "1", callId == null ? "" : callId,
                    Long.toString(cseq)).thenApply(packed -> {
                        if (packed == null) return false;
                        fire(List.of(new Removal(PackedBinding.decode(aor, contact, packed), Cause.DROPPED)));
                        return true;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    @Override
    public CompletionStage<Integer> count() {
        try {
            return COUNT.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {keys.expiryIndex()}).thenApply(Long::intValue);
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /**
     * Pages through the member's owner index ({@code SSCAN}, {@value #OWNED_PAGE} entries a page,
     * one script per page that also reads the bindings and drops the expired ones). {@code action}
     * runs on the Redis client's I/O thread, one page at a time, so it must not block. SSCAN may
     * return an entry twice when the set is resized during the scan; the entries already seen are
     * remembered for the duration of the call so that each binding is still given once.
     */
    @Override
    public CompletionStage<Void> forEachOwnedBy(String memberId, Consumer<Binding> action) {
        try {
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(action, "action");
            CompletableFuture<Void> done = new CompletableFuture<>();
            ownedPage(memberId, "0", action, new HashSet<>(), done);
            return done;
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    private void ownedPage(String memberId, String cursor, Consumer<Binding> action, Set<String> seen,
                           CompletableFuture<Void> done) {
        OWNED.<List<Object>>run(redis, ScriptOutputType.MULTI, new String[] {keys.owner(memberId)},
                now(), keys.prefix(), cursor, Integer.toString(OWNED_PAGE), memberId).whenComplete((reply, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            try {
                String next = (String) reply.get(0);
                List<?> flat = (List<?>) reply.get(1);
                for (int i = 0; i + 2 < flat.size(); i += 3) {
                    String aor = (String) flat.get(i), contact = (String) flat.get(i + 1);
                    if (!seen.add(PackedBinding.indexEntry(aor, contact))) continue;
                    action.accept(PackedBinding.decode(aor, contact, (String) flat.get(i + 2)));
                }
                if ("0".equals(next)) done.complete(null);
                else ownedPage(memberId, next, action, seen, done);
            } catch (Throwable e) {
                // Whatever the action threw (an assertion too): the stage fails, it does not hang.
                done.completeExceptionally(e);
            }
        });
    }

    /**
     * Removes every binding expired by the Redis clock, {@value #SWEEP_BATCH} per script, and fires
     * {@link Cause#EXPIRED} for those this call removed. Several switches may sweep at once: each
     * expired binding is removed, and reported, by exactly one of them.
     */
    @Override
    public CompletionStage<Integer> sweep() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        sweepBatch(0, done);
        return done;
    }

    private void sweepBatch(int removedSoFar, CompletableFuture<Integer> done) {
        try {
            SWEEP.<List<Object>>run(redis, ScriptOutputType.MULTI, new String[] {keys.expiryIndex()},
                    now(), keys.prefix(), Integer.toString(SWEEP_BATCH)).whenComplete((reply, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                    return;
                }
                try {
                    long looked = (Long) reply.get(0);
                    List<?> flat = (List<?>) reply.get(1);
                    List<Removal> removals = new ArrayList<>(flat.size() / 3);
                    for (int i = 0; i + 2 < flat.size(); i += 3) {
                        removals.add(new Removal(PackedBinding.decode((String) flat.get(i), (String) flat.get(i + 1),
                                (String) flat.get(i + 2)), Cause.EXPIRED));
                    }
                    fire(removals);
                    int total = removedSoFar + removals.size();
                    if (looked < SWEEP_BATCH) done.complete(total);
                    else sweepBatch(total, done);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    @Override
    public void addListener(BindingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The key prefix of this store's cluster, {@code sf:{<clusterId>}:}. */
    public String keyPrefix() { return keys.prefix(); }

    private String now() {
        return testClock == null ? "" : Long.toString(testClock.getAsLong());
    }

    private void fire(List<Removal> removals) {
        if (removals.isEmpty() || listeners.isEmpty()) return;
        for (Removal r : removals) {
            for (BindingListener l : listeners) {
                try {
                    l.onRemoved(r.binding(), r.cause());
                } catch (RuntimeException e) {
                    // A broken listener must not fail the store's own (already committed) change.
                    log.warn("binding listener failed on {} {} {}", r.cause(), r.binding().aor(), r.binding().contact(), e);
                }
            }
        }
    }
}
