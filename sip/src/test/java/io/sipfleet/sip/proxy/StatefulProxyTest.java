package io.sipfleet.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.TimerConfig;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.transport.Transport;
import io.sipfleet.sip.transaction.ManualTimer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The proxy against a UAS that answers before {@code sendRequest} returns (on loopback the answer
 * can come back on another event loop that fast): the sender here delivers the answer inline.
 */
class StatefulProxyTest {
    private static final InetSocketAddress SWITCH = new InetSocketAddress("192.0.2.1", 5060);
    private final Peer caller = new Peer(Transport.UDP, new InetSocketAddress("192.0.2.10", 5060), SWITCH, 0);
    private final Peer callee = new Peer(Transport.UDP, new InetSocketAddress("192.0.2.20", 5060), SWITCH, 0);
    private final ManualTimer timer = new ManualTimer();
    private final List<SipMessage> toCaller = new CopyOnWriteArrayList<>();
    private final List<SipRequest> toCallee = new CopyOnWriteArrayList<>();
    /** What the callee answers to each request reaching it, at once; null: nothing. */
    private volatile Function<SipRequest, SipResponse> callsee = r -> null;
    private StatefulProxy proxy;
    private TransactionLayer layer;

    private final SipSender net = new SipSender() {
        @Override public void send(SipMessage m, Peer to) {
            if (to.remote().equals(caller.remote())) {
                toCaller.add(m);
                return;
            }
            if (m instanceof SipRequest r) {
                toCallee.add(r);
                SipResponse answer = callsee.apply(r);
                if (answer != null) layer.onMessage(new Inbound(answer, callee, System.nanoTime()), this);
            }
        }
    };

    StatefulProxyTest() {
        TransactionUser tu = new TransactionUser() {
            @Override public void onRequest(ServerTransaction tx, SipRequest r) {
                proxy.forward(tx, r, caller, List.of(new Target(r.requestUri(), callee, "callee")),
                        r.method().equals("INVITE"), CallEvents.NONE);
            }
            @Override public void onAck(SipRequest ack, Peer from) {}
            @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) { proxy.onCancel(tx); }
            @Override public void onResponse(ClientTransaction tx, SipResponse r) { proxy.onResponse(tx, r); }
            @Override public void onTimeout(ClientTransaction tx) { proxy.onTimeout(tx); }
            @Override public void onTerminated(Transaction tx) { proxy.onTerminated(tx); }
        };
        layer = new TransactionLayer(tu, net, timer, TimerConfig.defaults(), false);
        proxy = new StatefulProxy(layer, net, new LocalIdentity(List.of(SWITCH), "example.com"),
                ProxySettings.defaults(), timer);
    }

    private static SipRequest request(String method, String toTag) throws Exception {
        return (SipRequest) SipParser.parse(method + " sip:bob@192.0.2.20:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKcaller" + method + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:bob@example.com>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: race@192.0.2.10\r\nCSeq: 2 " + method + "\r\n"
                + "Contact: <sip:alice@192.0.2.10:5060>\r\nContent-Length: 0\r\n\r\n");
    }

    private void fromCaller(SipRequest r) { layer.onMessage(new Inbound(r, caller, System.nanoTime()), net); }

    private List<Integer> statusesToCaller() {
        return toCaller.stream().filter(m -> m instanceof SipResponse).map(m -> ((SipResponse) m).statusCode()).toList();
    }

    @Test void anAnswerArrivingBeforeSendRequestReturnsIsRelayed() throws Exception {
        callsee = r -> Responses.create(r, 200, "OK", "b1");
        fromCaller(request("BYE", "b1"));
        assertThat(statusesToCaller()).containsExactly(200);
        assertThat(proxy.activeContexts()).isZero();
    }

    @Test void aBusyAnswerToAnInviteBeforeSendRequestReturnsReachesTheCaller() throws Exception {
        callsee = r -> r.method().equals("INVITE") ? Responses.create(r, 486, "Busy Here", "b1") : null;
        fromCaller(request("INVITE", null));
        assertThat(statusesToCaller()).containsExactly(486);
        timer.advance(Duration.ofSeconds(200)); // no ACK from this caller: Timer G re-sends the 486, nothing else
        assertThat(statusesToCaller()).isNotEmpty().allMatch(s -> s == 486);
    }

    @Test void aCancelForABranchWhoseRingingRacedItsSendRequestStillGoesOut() throws Exception {
        // the callee rings at once; the caller cancels in the middle of the ringing being relayed
        callsee = r -> r.method().equals("INVITE") ? Responses.create(r, 180, "Ringing", "b1") : null;
        fromCaller(request("INVITE", null));
        assertThat(statusesToCaller()).containsExactly(180);
        SipRequest cancel = request("CANCEL", null);
        cancel = (SipRequest) cancel.edit().set(io.sipfleet.sip.message.HeaderName.VIA,
                "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKcallerINVITE").build();
        fromCaller(cancel);
        assertThat(toCallee.stream().map(SipRequest::method)).containsExactly("INVITE", "CANCEL");
    }

    private SipRequest cancelOfInvite() throws Exception {
        SipRequest cancel = request("CANCEL", null);
        return (SipRequest) cancel.edit().set(io.sipfleet.sip.message.HeaderName.VIA,
                "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKcallerINVITE").build();
    }

    private SipRequest lastToCallee(String method) {
        for (int i = toCallee.size() - 1; i >= 0; i--) if (toCallee.get(i).method().equals(method)) return toCallee.get(i);
        throw new AssertionError("no " + method + " reached the callee: " + toCallee);
    }

    private void fromCallee(SipResponse r) { layer.onMessage(new Inbound(r, callee, System.nanoTime()), net); }

    @Test void anAnswerThatCrossesTheCancelStillReachesTheCallerAndNo487() throws Exception {
        callsee = r -> r.method().equals("INVITE") ? Responses.create(r, 180, "Ringing", "b1")
                : r.method().equals("CANCEL") ? Responses.create(r, 200, "OK", "b1") : null;
        fromCaller(request("INVITE", null));
        fromCaller(cancelOfInvite());
        assertThat(lastToCallee("CANCEL")).isNotNull();
        // the callee had answered before the CANCEL reached it: 200 to the CANCEL, and 200 to the INVITE
        fromCallee(Responses.create(lastToCallee("INVITE"), 200, "OK", "b1"));
        assertThat(statusesToCaller()).as("CANCEL's 200 and the INVITE's 180, 200").containsExactlyInAnyOrder(180, 200, 200);
        timer.advance(Duration.ofSeconds(200));
        assertThat(statusesToCaller()).doesNotContain(487, 408);
    }

    @Test void timerCCancelsARingingBranchAndTheCallerGets408() throws Exception {
        callsee = r -> r.method().equals("INVITE") ? Responses.create(r, 180, "Ringing", "b1")
                : r.method().equals("CANCEL") ? Responses.create(r, 200, "OK", "b1") : null;
        fromCaller(request("INVITE", null));
        timer.advance(Duration.ofSeconds(119));
        assertThat(toCallee.stream().map(SipRequest::method)).containsExactly("INVITE");
        timer.advance(Duration.ofSeconds(2)); // Timer C (120 s): the branch is cancelled
        fromCallee(Responses.create(lastToCallee("INVITE"), 487, "Request Terminated", "b1"));
        assertThat(statusesToCaller()).containsExactly(180, 408);
    }

    /**
     * What a finished branch keeps: after a BYE's 200 or an INVITE's 486 the client transaction
     * lingers (Completed absorbs copies of the final), but the proxy's entry for the branch goes at
     * once; an INVITE's 2xx keeps it while Accepted may still pass 2xx copies up, each relayed.
     */
    @Test void aBranchWhoseTransactionAbsorbsWhatFollowsIsForgottenAtItsFinal() throws Exception {
        callsee = r -> Responses.create(r, 200, "OK", "b1");
        fromCaller(request("BYE", "b1"));
        assertThat(layer.activeClientTransactions()).as("BYE's client transaction lingers (Timer K)").isOne();
        assertThat(proxy.activeBranches()).as("its branch does not").isZero();

        callsee = r -> r.method().equals("INVITE") ? Responses.create(r, 486, "Busy Here", "b2") : null;
        fromCaller(request("INVITE", null));
        assertThat(proxy.activeBranches()).as("an INVITE's non-2xx final").isZero();
    }

    @Test void anInvitesBranchStaysAfterA2xxSoItsCopiesAreRelayed() throws Exception {
        callsee = r -> r.method().equals("INVITE") ? Responses.create(r, 200, "OK", "b1") : null;
        fromCaller(request("INVITE", null));
        assertThat(proxy.activeBranches()).isOne();
        fromCallee(Responses.create(lastToCallee("INVITE"), 200, "OK", "b1")); // the UAS re-sends its 2xx
        assertThat(statusesToCaller()).containsExactly(200, 200);
        timer.advance(Duration.ofSeconds(40)); // Timer M (64*T1): the transaction ends, its branch with it
        assertThat(proxy.activeBranches()).isZero();
    }
}
