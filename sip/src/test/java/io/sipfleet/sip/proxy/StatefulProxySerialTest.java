package io.sipfleet.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.HeaderField;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.Responses;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ManualTimer;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.TimerConfig;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Serial forking ({@link StatefulProxy#forwardSerial}): three servers behind the proxy, each
 * answering as the test says (inline, like a UAS on the same host), or not at all.
 */
class StatefulProxySerialTest {
    private static final InetSocketAddress PROXY = new InetSocketAddress("192.0.2.1", 5060);
    private final Peer caller = new Peer(Transport.UDP, new InetSocketAddress("192.0.2.10", 5060), PROXY, 0);
    private final List<Peer> servers = List.of(server(1), server(2), server(3));
    private final ManualTimer timer = new ManualTimer();
    private final List<SipMessage> toCaller = new CopyOnWriteArrayList<>();
    /** Requests each server got, by its last address byte. */
    private final Map<Integer, List<SipRequest>> received = new ConcurrentHashMap<>();
    /** What server n answers to a request; null: silence. */
    private final Map<Integer, Function<SipRequest, SipResponse>> behaviour = new ConcurrentHashMap<>();
    private final List<Integer> finals = new CopyOnWriteArrayList<>();
    private SerialPolicy policy = new SerialPolicy() {
        @Override public boolean failover(SipResponse r, Target t) {
            int c = r.statusCode();
            return c == 408 || c == 500 || c == 503;
        }
        @Override public Target redirect(SipResponse r, Target t) {
            SipUri u = r.contacts().isEmpty() ? null : r.contacts().get(0).sipUri();
            return u == null ? null : targetFor(u.host());
        }
        @Override public SipResponse exhausted(ServerTransaction tx, SipResponse last) {
            return Responses.create(tx.request(), 503, "No Capacity", tx.toTag(), new HeaderField("Retry-After", "5"));
        }
        @Override public Duration noAnswerTimeout() { return Duration.ofSeconds(2); }
    };
    private StatefulProxy proxy;
    private TransactionLayer layer;

    private static Peer server(int n) {
        return new Peer(Transport.UDP, new InetSocketAddress("192.0.2." + (100 + n), 5060), PROXY, 0);
    }

    private Target targetFor(String host) {
        for (Peer p : servers) {
            if (p.remote().getAddress().getHostAddress().equals(host)) {
                return new Target(SipUri.of("bob", host, 5060), p, "server " + host);
            }
        }
        return null;
    }

    private final SipSender net = new SipSender() {
        @Override public void send(SipMessage m, Peer to) {
            if (to.remote().equals(caller.remote())) {
                toCaller.add(m);
                return;
            }
            int n = to.remote().getAddress().getAddress()[3] - 100;
            if (m instanceof SipRequest r) {
                received.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>()).add(r);
                Function<SipRequest, SipResponse> b = behaviour.get(n);
                SipResponse answer = b == null ? null : b.apply(r);
                if (answer != null) layer.onMessage(new Inbound(answer, to, System.nanoTime()), this);
            }
        }
    };

    StatefulProxySerialTest() {
        TransactionUser tu = new TransactionUser() {
            @Override public void onRequest(ServerTransaction tx, SipRequest r) {
                List<Target> candidates = new ArrayList<>();
                for (Peer p : servers) candidates.add(targetFor(p.remote().getAddress().getHostAddress()));
                proxy.forwardSerial(tx, r, caller, candidates, policy, true, (resp, target) -> finals.add(resp.statusCode()));
            }
            @Override public void onAck(SipRequest ack, Peer from) {}
            @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) { proxy.onCancel(tx); }
            @Override public void onResponse(ClientTransaction tx, SipResponse r) { proxy.onResponse(tx, r); }
            @Override public void onTimeout(ClientTransaction tx) { proxy.onTimeout(tx); }
            @Override public void onTerminated(Transaction tx) { proxy.onTerminated(tx); }
        };
        layer = new TransactionLayer(tu, net, timer, TimerConfig.defaults(), false);
        proxy = new StatefulProxy(layer, net, new LocalIdentity(List.of(PROXY), "example.com"),
                ProxySettings.defaults(), timer);
    }

    private static SipRequest invite() throws Exception {
        return (SipRequest) SipParser.parse("INVITE sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKserial1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:bob@example.com>\r\nCall-ID: serial@192.0.2.10\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:alice@192.0.2.10:5060>\r\nContent-Length: 0\r\n\r\n");
    }

    private void fromCaller(SipRequest r) { layer.onMessage(new Inbound(r, caller, System.nanoTime()), net); }

    private List<Integer> statusesToCaller() {
        return toCaller.stream().filter(m -> m instanceof SipResponse).map(m -> ((SipResponse) m).statusCode())
                .filter(c -> c != 100).toList(); // our own 100 Trying is no news
    }

    private int invitesTo(int n) {
        return (int) received.getOrDefault(n, List.of()).stream().filter(r -> r.method().equals("INVITE")).count();
    }

    private static Function<SipRequest, SipResponse> answers(int code) {
        return r -> r.method().equals("INVITE") ? Responses.create(r, code, "Status " + code, "t" + code) : null;
    }

    @Test void a503GoesToTheNextServerAndTheCallerOnlySeesTheAnswer() throws Exception {
        behaviour.put(1, answers(503));
        behaviour.put(2, answers(200));
        fromCaller(invite());
        assertThat(invitesTo(1)).isEqualTo(1);
        assertThat(invitesTo(2)).isEqualTo(1);
        assertThat(invitesTo(3)).isZero();
        assertThat(statusesToCaller()).containsExactly(200);
        assertThat(finals).containsExactly(200);
        SipRequest second = received.get(2).get(0);
        assertThat(second.header(HeaderName.RECORD_ROUTE)).as("recorded once").contains("192.0.2.1");
        assertThat(second.headerValues(HeaderName.RECORD_ROUTE)).hasSize(1);
        assertThat(second.maxForwards()).isEqualTo(69);
        assertThat(second.vias()).hasSize(2);
    }

    @Test void aFinalThePolicyAcceptsEndsTheSearch() throws Exception {
        behaviour.put(1, answers(486));
        behaviour.put(2, answers(200));
        fromCaller(invite());
        assertThat(invitesTo(2)).isZero();
        assertThat(statusesToCaller()).containsExactly(486);
    }

    @Test void aSilentServerIsGivenUpAfterTheNoAnswerTimeout() throws Exception {
        behaviour.put(2, answers(200)); // server 1 is dead
        fromCaller(invite());
        assertThat(statusesToCaller()).isEmpty();
        timer.advance(Duration.ofMillis(1900));
        assertThat(invitesTo(2)).isZero();
        timer.advance(Duration.ofMillis(200));
        assertThat(invitesTo(2)).isEqualTo(1);
        assertThat(statusesToCaller()).containsExactly(200);
        // server 1's INVITE keeps being retransmitted until Timer B; its Timer B changes nothing
        timer.advance(Duration.ofSeconds(40));
        assertThat(statusesToCaller()).containsExactly(200);
        assertThat(finals).containsExactly(200);
    }

    /** Server 1 rings (180) and then says nothing more for 5 s; server 2 would answer 200. */
    private void server1RingsOnly() throws Exception {
        behaviour.put(1, answers(180));
        behaviour.put(2, answers(200));
        fromCaller(invite());
        timer.advance(Duration.ofSeconds(5));
        assertThat(invitesTo(2)).isZero();
    }

    @Test void aServerThatTriesIsNotGivenUpForSilence() throws Exception {
        server1RingsOnly();
        assertThat(statusesToCaller()).containsExactly(180);
    }

    /** A switch that took the INVITE (180) and then died: taken out by the health check, its call goes on. */
    @Test void aDestinationTakenOutGivesUpItsPendingBranchesAndTheNextServerAnswers() throws Exception {
        server1RingsOnly();

        assertThat(proxy.abandonDestination(servers.get(0).remote())).isEqualTo(1);

        assertThat(invitesTo(2)).as("the next server is tried at once, not at Timer C").isEqualTo(1);
        assertThat(statusesToCaller()).containsExactly(180, 200);
        assertThat(received.get(1)).extracting(SipRequest::method).as("the dead one's branch is cancelled")
                .containsExactly("INVITE", "CANCEL");
        assertThat(proxy.abandonDestination(servers.get(0).remote())).as("nothing left there").isZero();
    }

    @Test void takingOutADestinationLeavesOtherDestinationsAndAnsweredCallsAlone() throws Exception {
        behaviour.put(1, answers(200));
        fromCaller(invite());
        assertThat(statusesToCaller()).containsExactly(200);
        assertThat(proxy.abandonDestination(servers.get(0).remote())).as("answered: nothing pending").isZero();
        assertThat(proxy.abandonDestination(servers.get(1).remote())).isZero();
        assertThat(statusesToCaller()).containsExactly(200);
        assertThat(invitesTo(2)).isZero();
    }

    @Test void aRedirectToAnotherServerOfOursIsFollowedByTheProxy() throws Exception {
        behaviour.put(1, r -> r.method().equals("INVITE") ? Responses.create(r, 302, "Moved", "m1",
                new HeaderField("Contact", "<sip:bob@192.0.2.103:5060>")) : null);
        behaviour.put(3, answers(200));
        fromCaller(invite());
        assertThat(invitesTo(2)).as("the redirect target comes first").isZero();
        assertThat(invitesTo(3)).isEqualTo(1);
        assertThat(statusesToCaller()).containsExactly(200);
    }

    @Test void whenEveryServerRefusesTheCallerGetsThePolicysFinal() throws Exception {
        behaviour.put(1, answers(503));
        behaviour.put(2, answers(503));
        behaviour.put(3, answers(500));
        fromCaller(invite());
        assertThat(statusesToCaller()).containsExactly(503);
        SipResponse last = (SipResponse) toCaller.get(toCaller.size() - 1);
        assertThat(last.header(HeaderName.of("Retry-After"))).isEqualTo("5");
        assertThat(finals).containsExactly(503);
        assertThat(proxy.activeContexts()).isZero();
    }

    @Test void withoutAnExhaustedFinalTheBestFailureGoesUpstreamAsForAnyProxy() throws Exception {
        policy = SerialPolicy.onCodes(c -> c == 503);
        behaviour.put(1, answers(503));
        behaviour.put(2, answers(503));
        behaviour.put(3, answers(503));
        fromCaller(invite());
        assertThat(statusesToCaller()).containsExactly(500);
        assertThat(invitesTo(1) + invitesTo(2) + invitesTo(3)).isEqualTo(3);
    }

    @Test void aCancelStopsTheSearch() throws Exception {
        fromCaller(invite()); // server 1 silent
        SipRequest cancel = (SipRequest) SipParser.parse("CANCEL sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKserial1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:bob@example.com>\r\nCall-ID: serial@192.0.2.10\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
        fromCaller(cancel);
        timer.advance(Duration.ofSeconds(3));
        assertThat(invitesTo(2)).isZero();
    }

    /** A branch that answered is not silent: its no-answer timeout (2 s here) leaves the timer at once. */
    @Test void aBranchThatAnsweredLeavesNoNoAnswerTimeoutBehind() throws Exception {
        behaviour.put(1, r -> r.method().equals("INVITE") ? Responses.create(r, 180, "Ringing", "s1") : null);
        fromCaller(invite());
        assertThat(statusesToCaller()).containsExactly(180);
        assertThat(timer.pendingDeadlinesMillis()).as("Timer B and C remain, not the 2 s no-answer timeout")
                .doesNotContain(2_000L);
    }
}
