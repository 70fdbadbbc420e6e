package io.sipfleet.sip.proxy;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.MessageEditor;
import io.sipfleet.sip.message.NameAddr;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.Methods;
import io.sipfleet.sip.transaction.Branches;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionKey;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.RateLimitedLog;
import io.sipfleet.sip.transport.ResponseRouting;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.proxy.ForwardContext.Branch;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A stateful forking proxy (RFC 3261 section 16) on the transaction layer: forwards a request
 * to one or more targets in parallel, relays provisional responses, relays the first 2xx at once
 * and cancels the other branches, otherwise answers with the best final response (16.7), handles
 * CANCEL from upstream (16.10) and Timer C. ACKs for 2xx and stray 2xx retransmissions are
 * forwarded statelessly (16.11). Routing decisions are not made here: the switch core gives the
 * targets.
 */
public final class StatefulProxy {
    private static final Logger log = LoggerFactory.getLogger(StatefulProxy.class);
    /**
     * Per-call outcomes that come in floods when a destination goes silent (every INVITE sent to it
     * is given up): one INFO line per 10 s with the count of the others, each at DEBUG; every
     * call's outcome is still in the switch's CDRs and the dispatcher's failover metrics. Unlimited,
     * an overloaded dispatcher wrote 21 373 such lines in 70 s, 7 348 of them in 10 s
     * (compare-dispatcher run 20), each a write on the event loop that was already behind.
     */
    private final RateLimitedLog gaveUpLog =
            new RateLimitedLog(log, Level.INFO, 10, TimeUnit.SECONDS);
    private final RateLimitedLog ringTimeoutLog =
            new RateLimitedLog(log, Level.INFO, 10, TimeUnit.SECONDS);

    private final TransactionLayer layer;
    private final SipSender sender;
    private final LocalIdentity self;
    private final ProxySettings settings;
    private final Timer timer;
    /** By client transaction key (our branch and the method), entered before the request leaves. */
    private final ConcurrentHashMap<TransactionKey, Branch> branches = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ServerTransaction, ForwardContext> contexts = new ConcurrentHashMap<>();

    public StatefulProxy(TransactionLayer layer, SipSender sender, LocalIdentity self, ProxySettings settings,
                         Timer timer) {
        this.layer = layer;
        this.sender = sender;
        this.self = self;
        this.settings = settings;
        this.timer = timer;
    }

    /**
     * Forwards {@code request} (received on {@code tx} from {@code from}) to every target in
     * parallel. {@code recordRoute}: add our Record-Route (dialog-creating requests). The caller
     * has checked Max-Forwards > 0 and removed nothing: Route entries naming us are popped here.
     */
    public void forward(ServerTransaction tx, SipRequest request, Peer from, List<Target> targets,
                        boolean recordRoute, CallEvents events) {
        ForwardContext ctx = new ForwardContext(tx, request, from, events);
        ctx.timeoutCode = 408;
        if (targets.isEmpty()) {
            finish(ctx, tx.response(480, "Temporarily Unavailable"), null);
            return;
        }
        List<Target> notUs = new ArrayList<>(targets.size());
        for (Target t : targets) if (!self.isListener(t.destination().remote())) notUs.add(t);
        if (notUs.isEmpty()) {
            // Only ourselves to send it to: it would come straight back (16.3 step 4's loop).
            log.info("proxy: {} {} from {} would go to this switch itself ({}): 482", request.method(),
                    request.callId(), from.remote(), targets.get(0).label());
            finish(ctx, tx.response(482, "Loop Detected"), null);
            return;
        }
        targets = notUs;
        // One target (nearly every call): its copy is prepared in the same edit as its Via and
        // Request-URI, one copy of the message; several share one prepared base.
        SipRequest base = targets.size() == 1 ? null : prepare(request, from, recordRoute);
        synchronized (ctx) {
            ctx.recordRoute = recordRoute;
            for (Target t : targets) ctx.branches.add(new Branch(ctx, t));
        }
        contexts.put(tx, ctx);
        if (request.method() == Methods.INVITE) {
            // before any branch leaves: a final answer settling the context at once cancels it
            ctx.timerC = timer.newTimeout(t -> timerC(ctx), settings.ringTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        for (Branch b : ctx.branches) send(b, base, request);
    }

    /**
     * Serial forking (16.6, 16.7 step 4): forwards {@code request} to the first of
     * {@code candidates}; when its final response is one {@code policy} fails over on (a timeout,
     * a 503 ...), the same request goes to the next candidate within the same server
     * transaction, so the caller never sees the failed one. A 3xx the policy redirects is followed
     * here. Stops at the first answer the policy accepts, at a 2xx, on CANCEL or Timer C; when every
     * candidate failed over the caller gets {@link SerialPolicy#exhausted} (or the best failure).
     * Candidates that are one of our own listeners, or already tried, are skipped (no loops).
     */
    public void forwardSerial(ServerTransaction tx, SipRequest request, Peer from, List<Target> candidates,
                              SerialPolicy policy, boolean recordRoute, CallEvents events) {
        forwardSerial(tx, request, from, candidates, policy, recordRoute, null, events);
    }

    /**
     * {@link #forwardSerial} with {@code ownEntries} applied to every copy sent (the caller's own
     * Path or Record-Route), in the same edit as ours: one copy of the message per branch.
     */
    public void forwardSerial(ServerTransaction tx, SipRequest request, Peer from, List<Target> candidates,
                              SerialPolicy policy, boolean recordRoute, java.util.function.Consumer<MessageEditor> ownEntries,
                              CallEvents events) {
        ForwardContext ctx = new ForwardContext(tx, request, from, events);
        ctx.timeoutCode = 408;
        java.util.ArrayDeque<Target> remaining = new java.util.ArrayDeque<>(candidates.size());
        for (Target t : candidates) if (!self.isListener(t.destination().remote())) remaining.add(t);
        if (remaining.isEmpty()) {
            log.info("proxy: {} {} from {}: no candidate but ourselves", request.method(), request.callId(), from.remote());
            finish(ctx, candidates.isEmpty() ? tx.response(480, "Temporarily Unavailable")
                    : tx.response(482, "Loop Detected"), null);
            return;
        }
        Branch first;
        synchronized (ctx) {
            ctx.policy = policy;
            ctx.recordRoute = recordRoute;
            ctx.ownEntries = ownEntries;
            first = new Branch(ctx, remaining.poll());
            ctx.remaining = remaining;
            ctx.branches.add(first);
        }
        contexts.put(tx, ctx);
        if (request.method() == Methods.INVITE) {
            ctx.timerC = timer.newTimeout(t -> timerC(ctx), settings.ringTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        send(first, null, request);
    }

    /**
     * One branch: its Request-URI, our Via with a fresh branch, its client transaction. {@code
     * base}: the request prepared once for all parallel branches; null: prepared here, in the
     * same edit as the rest (serial: one copy of the message per branch, not three).
     */
    private void send(Branch b, SipRequest base, SipRequest request) {
        MessageEditor edit;
        if (base != null) {
            edit = base.edit();
        } else {
            // the caller's lines first, so our Record-Route goes above them, as when it had built them in
            ForwardContext ctx = b.context;
            edit = request.edit();
            if (ctx.ownEntries != null) ctx.ownEntries.accept(edit);
            prepareEdit(edit, request, ctx.from, ctx.recordRoute);
        }
        if (!b.target.requestUri().equals(request.requestUri())) edit.requestUri(b.target.requestUri());
        List<String> set = b.target.routeSet();
        for (int i = set.size() - 1; i >= 0; i--) edit.addFirst(HeaderName.ROUTE, set.get(i));
        Peer to = self.fromOurs(b.target.destination());
        String branch = Branches.next();
        SipRequest out = (SipRequest) edit
                .addFirst(self.via(to.transport(), to.local()).withParam("branch", branch))
                .build();
        TransactionKey key = TransactionKey.forClient(branch, request.method());
        SerialPolicy policy = b.context.policy;
        if (policy != null && policy.noAnswerTimeout().toMillis() > 0) {
            // Set before the branch is published: the map's put makes it visible to the loop that
            // gets the answer, so taking it there needs no lock of its own.
            b.silence = timer.newTimeout(t -> silent(b), policy.noAnswerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        // Entered before sending: the answer can come back on another event loop before
        // sendRequest returns (a UAS on the same host answers within microseconds).
        branches.put(key, b);
        try {
            ClientTransaction ct = layer.sendRequest(out, to);
            boolean cancelNow;
            synchronized (b.context) {
                b.tx = ct;
                cancelNow = b.cancelRequested;
            }
            if (cancelNow) cancel(b);
        } catch (RuntimeException e) {
            branches.remove(key, b);
            log.warn("proxy: could not forward {} {} to {}: {}", request.method(), request.callId(), b.target.label(), e.toString());
            onBranchFinal(b, Responses.create(request, 503, "Service Unavailable", null));
        }
    }

    /** Serial: a candidate that sent nothing within the policy's no-answer timeout counts as a 408. */
    private void silent(Branch b) {
        giveUp(b, GiveUp.IF_SILENT, "no answer from " + b.target.label() + ", trying the next");
    }

    /**
     * {@code remote} is gone (a health check took it out of rotation): every branch still waiting
     * there for a final answer is given up now, as a 408, so a serial policy goes on to its next
     * candidate at once. Without this, a branch that had a 100 Trying from a switch that then died
     * waits for Timer C (minutes; Kamailio's fr_inv_timer likewise), and its caller with it. A
     * branch that had a provisional is also CANCELled (16.10), in case the destination is only
     * unreachable from the prober and answers later. Returns how many branches were given up.
     */
    public int abandonDestination(InetSocketAddress remote) {
        int n = 0;
        for (Branch b : branches.values()) {
            if (b.target.destination().remote().equals(remote)
                    && giveUp(b, GiveUp.ALWAYS, b.target.label() + " is down, giving up its branch")) n++;
        }
        return n;
    }

    /** How a branch is given up: only while it has said nothing (serial silence), or whatever it said. */
    private enum GiveUp { IF_SILENT, ALWAYS }

    /**
     * Ends branch {@code b} as if it had answered 408, unless it is finished (or, for
     * {@link GiveUp#IF_SILENT}, has sent a provisional); a branch that had sent one is CANCELled.
     * Returns whether it was given up.
     */
    private boolean giveUp(Branch b, GiveUp how, String why) {
        SipRequest request;
        boolean spoke;
        synchronized (b.context) {
            if (b.done || b.abandoned || b.context.finalSent) return false;
            spoke = b.provisional;
            if (spoke && how == GiveUp.IF_SILENT) return false;
            request = b.context.request;
        }
        if (request == null) return false;
        gaveUpLog.log("proxy: {} {}: {}", request.method(), request.callId(), why);
        onBranchFinal(b, Responses.create(request, 408, "Request Timeout", null), how);
        if (spoke) cancel(b);
        return true;
    }

    /**
     * Serial: the next branch after {@code b}'s final {@code response}, or null to stop here
     * ({@code ctx.exhausted} set when the policy wanted another candidate and none was left).
     * Caller holds the context's lock.
     */
    private Branch nextSerial(ForwardContext ctx, Branch b, SipResponse response) {
        if (ctx.remaining == null || ctx.cancelled) return null;
        int code = response.statusCode();
        Target next = null;
        boolean move;
        if (code >= 300 && code < 400) {
            next = ctx.policy.redirect(response, b.target);
            move = next != null || ctx.policy.failover(response, b.target);
            if (next != null && (tried(ctx, next) || self.isListener(next.destination().remote()))) next = null;
        } else {
            move = ctx.policy.failover(response, b.target);
        }
        if (!move) return null;
        if (next != null) {
            Target chosen = next;
            ctx.remaining.removeIf(t -> t.destination().remote().equals(chosen.destination().remote()));
        }
        while (next == null && !ctx.remaining.isEmpty()) {
            Target c = ctx.remaining.poll();
            if (!tried(ctx, c)) next = c;
        }
        if (next == null || ctx.branches.size() >= MAX_SERIAL_ATTEMPTS) {
            ctx.exhausted = true;
            return null;
        }
        Branch nb = new Branch(ctx, next);
        ctx.branches.add(nb);
        return nb;
    }

    /** Redirects between servers could chase each other: a hard cap on attempts per request. */
    private static final int MAX_SERIAL_ATTEMPTS = 16;

    private static boolean tried(ForwardContext ctx, Target t) {
        for (Branch b : ctx.branches) if (b.target.destination().remote().equals(t.destination().remote())) return true;
        return false;
    }

    /** Max-Forwards, our own Route entries (16.4), Record-Route (16.6 step 4). Via: the layer adds ours. */
    private SipRequest prepare(SipRequest request, Peer from, boolean recordRoute) {
        return (SipRequest) prepareEdit(request, from, recordRoute).build();
    }

    /** {@link #prepare} as an edit still open, so a caller can add more before the one build (copy and re-parse). */
    private MessageEditor prepareEdit(SipRequest request, Peer from, boolean recordRoute) {
        return prepareEdit(request.edit(), request, from, recordRoute);
    }

    private MessageEditor prepareEdit(MessageEditor edit, SipRequest request, Peer from, boolean recordRoute) {
        int mf = request.maxForwards();
        edit.set(HeaderName.MAX_FORWARDS, Integer.toString(mf < 0 ? 70 : mf - 1));
        for (NameAddr route : request.routes()) {
            SipUri u = route.sipUri();
            if (u == null || !self.isLocal(u)) break;
            edit.removeFirstValue(HeaderName.ROUTE);
        }
        if (recordRoute && settings.recordRoute()) {
            edit.addFirst(HeaderName.RECORD_ROUTE, self.recordRoute(from.local(), from.transport()));
        }
        return edit;
    }

    public boolean handles(ClientTransaction tx) { return branches.containsKey(tx.key()); }

    /** TransactionUser.onResponse for a client transaction of ours. */
    public void onResponse(ClientTransaction tx, SipResponse response) {
        Branch b = branches.get(tx.key());
        if (b == null) return;
        int code = response.statusCode();
        if (code < 200) {
            boolean cancelNow, abandoned;
            Timeout silence;
            synchronized (b.context) {
                b.provisional = true;
                abandoned = b.abandoned;
                cancelNow = b.context.cancelled || b.context.answered || abandoned;
                silence = b.takeSilence();
            }
            if (silence != null) silence.cancel();
            if (cancelNow) cancel(b);
            if (code > 100 && !abandoned) relay(b.context, response);
            return;
        }
        // A non-2xx final, or any final of a non-INVITE: the client transaction absorbs whatever
        // comes now (Completed), so nothing reaches us for this branch again and its entry (key,
        // branch, context, target) need not wait the linger out with it. An INVITE's 2xx keeps
        // it: Accepted passes the 2xx copies up, and every one goes upstream (16.7 step 5).
        if (code >= 300 || !(tx instanceof InviteClientTransaction)) branches.remove(tx.key(), b);
        onBranchFinal(b, response);
    }

    /** Timer B/F of a branch: it counts as a 408 from that branch (16.7 step 2). */
    public void onTimeout(ClientTransaction tx) {
        Branch b = branches.get(tx.key());
        if (b == null) return;
        SipRequest request;
        synchronized (b.context) {
            request = b.context.request;
            // Settled already (another branch answered): this branch's end changes nothing upstream.
            if (request == null) {
                b.done = true;
                return;
            }
        }
        onBranchFinal(b, Responses.create(request, 408, "Request Timeout", null));
    }

    public void onTerminated(Transaction tx) {
        if (tx instanceof ClientTransaction c) branches.remove(c.key());
        else if (tx instanceof ServerTransaction s) contexts.remove(s);
    }

    /** CANCEL from upstream (16.10): cancel every pending branch; the caller gets 487. */
    public void onCancel(InviteServerTransaction tx) {
        ForwardContext ctx = contexts.get(tx);
        if (ctx == null) {
            tx.respond(487, "Request Terminated");
            return;
        }
        List<Branch> pending;
        synchronized (ctx) {
            if (ctx.finalSent) return;
            ctx.cancelled = true;
            ctx.timeoutCode = 487;
            pending = pendingBranches(ctx);
        }
        for (Branch b : pending) cancel(b);
    }

    private void timerC(ForwardContext ctx) {
        List<Branch> pending;
        synchronized (ctx) {
            if (ctx.finalSent || ctx.answered) return;
            ctx.cancelled = true;
            ctx.timeoutCode = 408;
            pending = pendingBranches(ctx);
        }
        ringTimeoutLog.log("proxy: no answer for {} within {} s, cancelling {} branch(es)", ctx.callId,
                settings.ringTimeout().toSeconds(), pending.size());
        for (Branch b : pending) cancel(b);
    }

    private static List<Branch> pendingBranches(ForwardContext ctx) {
        List<Branch> out = new ArrayList<>(ctx.branches.size());
        for (Branch b : ctx.branches) if (!b.done) out.add(b);
        return out;
    }

    /** Cancels a branch now, or as soon as its transaction exists (its response raced its sendRequest). */
    private void cancel(Branch b) {
        ClientTransaction tx;
        synchronized (b.context) {
            tx = b.tx;
            if (tx == null) {
                b.cancelRequested = true;
                return;
            }
        }
        if (tx instanceof InviteClientTransaction ict) layer.cancel(ict);
    }

    private void onBranchFinal(Branch b, SipResponse response) { onBranchFinal(b, response, null); }

    /** {@code giveUp}: the response is our own 408 for a branch given up ({@link #giveUp}); null for a real one. */
    private void onBranchFinal(Branch b, SipResponse response, GiveUp giveUp) {
        ForwardContext ctx = b.context;
        int code = response.statusCode();
        SipResponse toSend = null;
        Target target = null;
        List<Branch> toCancel = List.of();
        Branch next = null;
        boolean verbatim = false; // the serial policy's own final: not mapped by finalFor
        boolean settled; // the caller already had its final response before this one
        SipRequest request;
        Timeout silence = null;
        synchronized (ctx) {
            request = ctx.request;
            // A branch given up (silent, or its destination down): its late non-2xx is of no
            // interest any more. A branch has one final; a later one is such a late answer.
            if ((b.abandoned || b.done) && code >= 300) return;
            if (giveUp != null) {
                if (giveUp == GiveUp.IF_SILENT && b.provisional) return; // it spoke meanwhile
                b.abandoned = true;
            }
            settled = ctx.finalSent;
            b.done = true;
            silence = b.takeSilence();
            if (code < 300) {
                // Every 2xx goes upstream, even after another branch's (16.7 step 5, RFC 6026).
                ctx.answered = true;
                ctx.finalSent = true;
                toSend = response;
                target = b.target;
                toCancel = pendingBranches(ctx);
            } else if (!settled) {
                next = nextSerial(ctx, b, response);
                if (ResponseSelection.better(response, ctx.best)) {
                    ctx.best = response;
                    ctx.bestTarget = b.target;
                }
                if (code >= 600) toCancel = pendingBranches(ctx); // 16.7 step 5
                if (next == null && ctx.allBranchesDone()) {
                    ctx.finalSent = true;
                    toSend = ctx.best;
                    target = ctx.bestTarget;
                    if (ctx.exhausted) {
                        SipResponse own = ctx.policy.exhausted(ctx.server, response);
                        if (own != null) {
                            toSend = own;
                            target = null;
                            verbatim = true;
                        }
                    }
                }
            }
        }
        if (silence != null) silence.cancel();
        for (Branch other : toCancel) cancel(other);
        if (next != null) {
            send(next, null, request); // next is only chosen while unsettled: request is set
            return;
        }
        if (toSend == null) return;
        if (toSend.statusCode() >= 300 && !verbatim) toSend = finalFor(ctx, toSend);
        // The call events first: once the caller has the 2xx its ACK may arrive at once, and the
        // call must already know the callee's flow to route it (NAT).
        if (!settled) report(ctx, toSend, target);
        if (!relay(ctx, toSend) && toSend.statusCode() < 300) {
            relayStateless(ctx, toSend); // the server transaction is past sending it (16.7 step 10)
        }
        if (!settled) settle(ctx);
    }

    /** The non-2xx final the caller gets: 487 once cancelled, 503 mapped to 500 (16.7 step 6). */
    private SipResponse finalFor(ForwardContext ctx, SipResponse best) {
        boolean cancelled;
        int timeoutCode;
        synchronized (ctx) {
            cancelled = ctx.cancelled;
            timeoutCode = ctx.timeoutCode;
        }
        if (cancelled && timeoutCode == 487) return ctx.server.response(487, "Request Terminated");
        if (cancelled && best.statusCode() == 487) return ctx.server.response(408, "Request Timeout");
        if (best.statusCode() == 503) return ctx.server.response(500, "Service Unavailable Downstream");
        return best;
    }

    /** Sends a response upstream through the server transaction, minus our Via. */
    private boolean relay(ForwardContext ctx, SipResponse response) {
        SipResponse up = response.topVia() != null && isOurs(response.topVia())
                ? (SipResponse) response.edit().removeFirstValue(HeaderName.VIA).build() : response;
        return ctx.server.respond(up);
    }

    private boolean isOurs(Via via) {
        return via.branch() != null && via.host() != null
                && self.isLocal(via.host(), via.port());
    }

    /** A 2xx the server transaction can no longer send (it already sent a final): 16.7 step 10. */
    private void relayStateless(ForwardContext ctx, SipResponse response) {
        SipResponse up = isOurs(response.topVia())
                ? (SipResponse) response.edit().removeFirstValue(HeaderName.VIA).build() : response;
        Peer to = ResponseRouting.destination(up, ctx.from);
        if (to != null) sender.send(up, to);
    }

    private static void report(ForwardContext ctx, SipResponse finalResponse, Target target) {
        try {
            ctx.events.onFinal(finalResponse, target);
        } catch (RuntimeException e) {
            log.error("proxy: call event handler failed for {}", ctx.callId, e);
        }
    }

    /** The caller has its final answer: no Timer C, no context (a late CANCEL is answered by the layer). */
    private void settle(ForwardContext ctx) {
        if (ctx.timerC != null) ctx.timerC.cancel();
        synchronized (ctx) {
            ctx.release();
        }
        contexts.remove(ctx.server, ctx);
    }

    /** Answers without forwarding (no target could be tried), reporting it like a forwarded call. */
    private void finish(ForwardContext ctx, SipResponse response, Target target) {
        report(ctx, response, target);
        ctx.server.respond(response);
        settle(ctx);
    }

    /**
     * Forwards an ACK for a 2xx (or any request the caller decided to pass statelessly, 16.11):
     * Max-Forwards, our Route entries, a Via of ours with a branch derived from the incoming one
     * (so a retransmitted ACK gets the same branch).
     */
    public void forwardStateless(SipRequest request, Peer from, Target target) {
        Peer to = self.fromOurs(target.destination());
        if (self.isListener(to.remote())) {
            log.debug("proxy: not sending {} {} from {} to this switch itself", request.method(), request.callId(),
                    from.remote());
            return;
        }
        // One edit, one build: every stateless hop (each ACK, and the dispatcher's BYEs, REGISTERs
        // ...) pays one copy and one re-parse of the touched headers, not three.
        MessageEditor edit = prepareEdit(request, from, false);
        if (!target.requestUri().equals(request.requestUri())) edit.requestUri(target.requestUri());
        List<String> set = target.routeSet();
        for (int i = set.size() - 1; i >= 0; i--) edit.addFirst(HeaderName.ROUTE, set.get(i));
        Via in = request.topVia();
        // 64 bits of the incoming branch and sent-by: the same for a retransmission (and for the
        // CANCEL of a stateless INVITE), and two clients' transactions do not collide at the
        // next hop (32 bits would be likely to, among tens of thousands of live transactions).
        String key = in.branch() == null ? in.toString() : in.branch() + "/" + in.host() + ":" + in.port();
        String branch = Via.MAGIC_COOKIE + "sl" + Long.toHexString(fnv1a64(key));
        Via ours = self.via(to.transport(), to.local()).withParam("branch", branch);
        sender.send(edit.addFirst(ours).build(), to);
    }

    private static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A response no transaction matched (a 2xx retransmission after ours ended): pop our Via, pass it on. */
    public void forwardStrayResponse(SipResponse response, Peer from) {
        Via top = response.topVia();
        if (top == null || !isOurs(top) || response.vias().size() < 2) return;
        SipResponse up = (SipResponse) response.edit().removeFirstValue(HeaderName.VIA).build();
        Peer to = ResponseRouting.destination(up.topVia(), new Peer(from.transport(), from.remote(),
                self.listenerFor(from.remote()), 0));
        if (to != null) sender.send(up, to);
    }

    public int activeContexts() { return contexts.size(); }

    public int activeBranches() { return branches.size(); }
}
