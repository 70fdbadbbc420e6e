package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.parse.Methods;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A UAC layer and a UAS layer back to back over an in-memory network that delivers synchronously
 * and loses a seeded share of the messages: 2,000 mixed transactions (INVITE answered 486, 200,
 * 180+200, or cancelled after 180; OPTIONS, REGISTER, MESSAGE) must all complete exactly once,
 * recover from loss by retransmission, and leave both layers empty.
 */
class TransactionLoadTest {
    private static final InetSocketAddress UAC = new InetSocketAddress("192.0.2.10", 5060);
    private static final InetSocketAddress UAS = new InetSocketAddress("198.51.100.20", 5060);

    private final ManualTimer timer = new ManualTimer();
    private TransactionLayer uac, uas;
    private SipSender toUas, toUac;
    private Random loss;
    private double lossRate;
    private Transport transport;
    private int sent, dropped;

    private final List<SipRequest> uasRequests = new ArrayList<>();
    private final List<String> uacFinals = new ArrayList<>();
    private final Set<String> finalSeen = new HashSet<>();
    private final List<ClientTransaction> timeouts = new ArrayList<>();
    private int acksFor2xx, cancelsSeen, ackTimeouts, serverTimeouts;

    private Peer peer(InetSocketAddress remote, InetSocketAddress local) {
        return new Peer(transport, remote, local, transport.isReliable() ? 1 : 0);
    }

    private boolean lose() {
        sent++;
        if (lossRate > 0 && loss.nextDouble() < lossRate) {
            dropped++;
            return true;
        }
        return false;
    }

    private void wire(double rate, Transport t) {
        lossRate = rate;
        transport = t;
        loss = new Random(42);
        toUas = (m, p) -> { if (!lose()) uas.onMessage(new Inbound(m, peer(UAC, UAS), 0), toUac); };
        toUac = (m, p) -> { if (!lose()) uac.onMessage(new Inbound(m, peer(UAS, UAC), 0), toUas); };
        uas = new TransactionLayer(new UasCore(), toUac, timer, TimerConfig.defaults(), true);
        uac = new TransactionLayer(new UacCore(), toUas, timer, TimerConfig.defaults(), true);
    }

    /** Answers by the kind digit that starts the Call-ID. */
    private final class UasCore implements TransactionUser {
        @Override public void onRequest(ServerTransaction tx, SipRequest r) {
            uasRequests.add(r);
            int kind = r.callId().charAt(0) - '0';
            if (!r.method().equals(Methods.INVITE)) {
                tx.respond(r.method().equals(Methods.REGISTER) ? 401 : 200, "X");
                return;
            }
            switch (kind) {
                case 0 -> tx.respond(486, "Busy Here");
                case 1 -> tx.respond(200, "OK");
                case 2 -> { tx.respond(180, "Ringing"); tx.respond(200, "OK"); }
                default -> tx.respond(180, "Ringing"); // the UAC cancels
            }
        }

        @Override public void onAck(SipRequest ack, Peer from) { acksFor2xx++; }

        @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) {
            cancelsSeen++;
            tx.respond(487, "Request Terminated");
        }

        @Override public void onResponse(ClientTransaction tx, SipResponse response) { }

        @Override public void onTimeout(ClientTransaction tx) { }

        @Override public void onServerTimeout(InviteServerTransaction tx) { serverTimeouts++; }

        @Override public void onAckTimeout(SipResponse response, Peer to) { ackTimeouts++; }
    }

    /** ACKs every 2xx itself (13.2.2.4), cancels calls of kind 3 on their 180. */
    private final class UacCore implements TransactionUser {
        @Override public void onRequest(ServerTransaction tx, SipRequest r) { }

        @Override public void onAck(SipRequest ack, Peer from) { }

        @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) { }

        @Override public void onResponse(ClientTransaction tx, SipResponse r) {
            String id = tx.branch() + " " + r.cseq().method();
            // RFC 6026: a 2xx retransmitted because our ACK was lost reaches the TU again; any
            // other repeated final would be a bug
            boolean repeated2xx = tx.isInvite() && r.isSuccess() && !finalSeen.add(id);
            if (r.isFinal() && !repeated2xx) uacFinals.add(id);
            if (tx.isInvite() && r.isSuccess()) ack2xx(r);
            if (tx instanceof InviteClientTransaction ict && r.statusCode() == 180 && r.callId().charAt(0) == '3') {
                uac.cancel(ict);
            }
        }

        @Override public void onStrayResponse(SipResponse r, Peer from) {
            if (r.isSuccess() && r.cseq().method().equals(Methods.INVITE)) ack2xx(r);
        }

        @Override public void onTimeout(ClientTransaction tx) { timeouts.add(tx); }
    }

    private void ack2xx(SipResponse ok) {
        String text = "ACK sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 192.0.2.10:5060;branch=" + Branches.next() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + ok.from() + "\r\nTo: " + ok.to() + "\r\nCall-ID: " + ok.callId() + "\r\n"
                + "CSeq: " + ok.cseq().seq() + " ACK\r\nContent-Length: 0\r\n\r\n";
        toUas.send(Sip.parse(text), peer(UAS, UAC));
    }

    private void run(int total) {
        String[] others = {"OPTIONS", "REGISTER", "MESSAGE"};
        for (int i = 0; i < total; i++) {
            boolean invite = i % 2 == 0;
            String method = invite ? "INVITE" : others[(i / 2) % others.length];
            int kind = (i / 2) % 4;
            SipRequest r = Sip.request(method, transport.name(), "z9hG4bKignored", kind + "-" + i + "@load", 1, null, null);
            uac.sendRequest(r, peer(UAS, UAC), Via.of(transport.name(), "192.0.2.10", 5060, null));
            if (i % 20 == 19) timer.advanceMillis(10);
        }
        for (int s = 0; s < 120; s++) timer.advanceMillis(1000);
    }

    @ParameterizedTest(name = "{0} with loss {1}")
    @CsvSource({"UDP, 0.0", "UDP, 0.1", "TCP, 0.0"})
    void twoThousandMixedTransactionsLeaveNothingBehind(Transport t, double rate) {
        wire(rate, t);
        run(2_000);

        assertThat(timeouts).as("every transaction recovered").isEmpty();
        assertThat(serverTimeouts).isZero();
        assertThat(ackTimeouts).isZero();
        // each request reached the UAS TU exactly once, whatever was retransmitted
        assertThat(uasRequests).hasSize(2_000);
        assertThat(uasRequests.stream().map(r -> r.topVia().branch()).distinct()).hasSize(2_000);
        // every client transaction got exactly one final (INVITE kind 3: the CANCEL's 200 and the 487)
        assertThat(uacFinals).doesNotHaveDuplicates().hasSize(2_000 + 250);
        assertThat(cancelsSeen).isEqualTo(250);
        assertThat(acksFor2xx).isGreaterThanOrEqualTo(500);
        if (rate > 0) {
            assertThat(dropped).isGreaterThan(200);
            assertThat(uac.retransmissionsSent() + uas.retransmissionsSent()).isGreaterThan(0);
            assertThat(uas.retransmissionsAbsorbed()).isGreaterThan(0);
        } else if (!t.isReliable()) {
            assertThat(uac.retransmissionsSent()).as("no loss, no retransmitted request").isZero();
        }
        for (TransactionLayer l : List.of(uac, uas)) {
            assertThat(l.activeServerTransactions()).isZero();
            assertThat(l.activeClientTransactions()).isZero();
            assertThat(l.pending2xx()).isZero();
        }
        assertThat(timer.pending()).isZero();
    }

    @Test
    void mapsGrowWhileTransactionsLive() {
        wire(0, Transport.UDP);
        for (int i = 0; i < 10; i++) {
            uac.sendRequest(Sip.request("OPTIONS", "UDP", "z9hG4bKx", "0-" + i + "@load", 1, null, null),
                    peer(UAS, UAC), Via.of("UDP", "192.0.2.10", 5060, null));
        }
        assertThat(uac.activeClientTransactions()).isEqualTo(10); // Completed, waiting for Timer K
        assertThat(uas.activeServerTransactions()).isEqualTo(10); // Completed, waiting for Timer J
        timer.advanceMillis(5_000);
        assertThat(uac.activeClientTransactions()).isZero();
        timer.advanceMillis(27_000);
        assertThat(uas.activeServerTransactions()).isZero();
    }
}
