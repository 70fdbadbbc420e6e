package io.sipfleet.cluster.location;

import io.sipfleet.cluster.location.BindingListener.Cause;
import io.sipfleet.cluster.location.RegistrationResult.Status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * RFC 3261 10.3 steps 6-8 for one AoR, as a pure function from the AoR's bindings and one REGISTER
 * to the next bindings. The in-memory store runs it inside {@code ConcurrentHashMap.compute}; the
 * Redis store runs the same rules as a Lua script ({@code location-register.lua}, next to
 * {@link io.sipfleet.cluster.redis.LuaScript}), after {@link #lastWins} here. A change to one is a
 * change to both: {@code LocationStoreContract} runs the same cases against the two stores.
 */
final class AorUpdate {

    record Removal(Binding binding, Cause cause) {}

    /** {@code next} is empty when the AoR has no bindings left. */
    record Outcome(Binding[] next, RegistrationResult result, List<Removal> removals) {}

    static final Binding[] NONE = new Binding[0];

    /** Lookup order: q descending, then most recently registered first, then contact for stability. */
    static final Comparator<Binding> ORDER = Comparator.comparingInt(Binding::orderingQ).reversed()
            .thenComparing(Comparator.comparingLong(Binding::registeredAtMillis).reversed())
            .thenComparing(Binding::contact);

    private AorUpdate() {}

    static Outcome apply(Binding[] current, String aor, RegisterRequest req, Interner strings) {
        long now = req.nowMillis();
        List<Removal> expired = new ArrayList<>(0);
        List<Binding> live = new ArrayList<>(current.length + req.contacts().size());
        for (Binding b : current) {
            // Expired bindings no longer exist (10.3: "expired bindings MUST be removed"): they
            // neither block a request by CSeq nor count against maxBindings.
            if (b.isExpiredAt(now)) expired.add(new Removal(b, Cause.EXPIRED));
            else live.add(b);
        }
        // One String per AoR: the map key, which the first binding already references.
        String aorRef = current.length > 0 ? current[0].aor() : aor;

        if (req.isQuery()) return unchanged(Status.OK, live, expired, now);
        if (req.wildcard()) {
            for (Binding b : live) {
                Status order = order(b, req);
                if (order != null) return unchanged(order, live, expired, now);
            }
            List<Removal> removals = new ArrayList<>(expired);
            for (Binding b : live) removals.add(new Removal(b, Cause.UNREGISTERED));
            return new Outcome(NONE, new RegistrationResult(Status.OK, List.of(), List.of(), List.of(), live, now), removals);
        }

        Flow flow = canonical(req.flow(), strings);
        String userAgent = strings.intern(req.userAgent());
        String memberId = strings.intern(req.memberId());
        List<Binding> work = new ArrayList<>(live);
        List<Binding> added = new ArrayList<>(1);
        List<Binding> refreshed = new ArrayList<>(1);
        List<Removal> removedHere = new ArrayList<>(0);
        for (ContactUpdate cu : lastWins(req.contacts())) {
            Binding sameContact = null;
            for (var it = work.iterator(); it.hasNext(); ) {
                Binding b = it.next();
                if (!cu.matches(b)) continue;
                // 10.3 step 7: same Call-ID and a lower CSeq aborts the whole request; the same
                // CSeq is this very request again (a retransmission), answered, not re-applied.
                Status order = order(b, req);
                if (order != null) return unchanged(order, live, expired, now);
                it.remove();
                if (b.contact().equals(cu.contact())) sameContact = b;
                else removedHere.add(new Removal(b, cu.expiresSeconds() == 0 ? Cause.UNREGISTERED : Cause.REPLACED));
            }
            if (cu.expiresSeconds() == 0) {
                if (sameContact != null) removedHere.add(new Removal(sameContact, Cause.UNREGISTERED));
                continue;
            }
            // A refresh keeps the old binding's Flow, contact, Call-ID, instance and Path instances
            // when their text did not change: the binding lives in the old generation, and what it
            // references from the request would otherwise be promoted there with it, per refresh.
            Flow f = flow;
            String contact = cu.contact(), callId = req.callId(), instanceId = cu.instanceId(), path = req.path();
            if (sameContact != null) {
                if (sameContact.flow().equals(flow)) f = sameContact.flow();
                contact = sameContact.contact(); // equal: matched on it above
                if (sameContact.callId().equals(callId)) callId = sameContact.callId();
                if (Objects.equals(sameContact.instanceId(), instanceId)) instanceId = sameContact.instanceId();
                if (Objects.equals(sameContact.path(), path)) path = sameContact.path();
            }
            Binding nb = new Binding(aorRef, contact, now + cu.expiresSeconds() * 1000L, cu.q(),
                    callId, req.cseq(), f, instanceId, cu.regId(), userAgent, memberId, now, path);
            work.add(nb);
            (sameContact != null ? refreshed : added).add(nb);
        }
        // Only a request that grows the AoR is refused: after a lowered limit, refreshes still work.
        if (req.maxBindings() > 0 && work.size() > req.maxBindings() && work.size() > live.size()) {
            return unchanged(Status.TOO_MANY_BINDINGS, live, expired, now);
        }
        work.sort(ORDER);
        List<Binding> removed = new ArrayList<>(removedHere.size());
        for (Removal r : removedHere) removed.add(r.binding());
        List<Removal> removals = new ArrayList<>(expired);
        removals.addAll(removedHere);
        return new Outcome(work.toArray(NONE), new RegistrationResult(Status.OK, work, added, refreshed, removed, now),
                removals);
    }

    /** The request changes nothing; expired bindings are still dropped (that is housekeeping, not the request). */
    private static Outcome unchanged(Status status, List<Binding> live, List<Removal> expired, long now) {
        live.sort(ORDER);
        return new Outcome(live.toArray(NONE), RegistrationResult.unchanged(status, live, now), expired);
    }

    /**
     * Call-ID/CSeq ordering against one binding: null when the request may update it,
     * {@link Status#OUT_OF_ORDER} when the binding holds a higher CSeq of the same Call-ID, and
     * {@link Status#REPEATED} for the same Call-ID and CSeq: the request that wrote the binding,
     * seen again. The registrar answers REGISTER statelessly (no 32 s transaction per 200), so
     * a retransmission whose 200 was lost reaches the store and must get a 200 again, as the
     * transaction layer would have sent, without a second update.
     */
    private static Status order(Binding b, RegisterRequest req) {
        if (!b.callId().equals(req.callId())) return null;
        if (b.cseq() > req.cseq()) return Status.OUT_OF_ORDER;
        return b.cseq() == req.cseq() ? Status.REPEATED : null;
    }

    /**
     * The same contact (or instance) twice in one request: the last one counts, as if they had come
     * in order. After this no update can match a binding created by an earlier one of the request,
     * whose Call-ID/CSeq would otherwise look like a replay.
     */
    static List<ContactUpdate> lastWins(List<ContactUpdate> contacts) {
        if (contacts.size() < 2) return contacts;
        List<ContactUpdate> kept = new ArrayList<>(contacts.size());
        outer:
        for (int i = contacts.size() - 1; i >= 0; i--) {
            ContactUpdate cu = contacts.get(i);
            for (ContactUpdate k : kept) if (k.sameKey(cu)) continue outer;
            kept.add(cu);
        }
        return kept.reversed();
    }

    private static Flow canonical(Flow f, Interner strings) {
        String local = strings.intern(f.localIp());
        return local == f.localIp() ? f : new Flow(f.transport(), f.sourceIp(), f.sourcePort(), local, f.localPort());
    }
}
