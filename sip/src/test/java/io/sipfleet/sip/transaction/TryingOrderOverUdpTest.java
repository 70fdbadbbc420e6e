package io.sipfleet.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.ThreadExecutorMap;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.SipTransportServer;
import io.sipfleet.sip.transport.Transport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The 100 Trying a server transaction sends when its TU is slow (RFC 3261 17.2.1, after 200 ms)
 * must never reach the caller after the final response. Its timer fires on the timer thread; when
 * the event loop is late (a burst, a pause) the final may already be decided on the loop while the
 * 100's write, handed over from the timer thread, waits behind it: the caller saw 407 then 100, and
 * SIPp aborted those calls (one failed step of the dispatcher benchmark, 42 calls in one burst).
 * Real UDP listener on 127.0.0.41, a java.net caller on 127.0.0.42.
 */
class TryingOrderOverUdpTest {
    private SipTransportServer server;
    private TransactionLayer layer;

    @AfterEach void stop() {
        if (layer != null) layer.close();
        if (server != null) server.close();
    }

    @Test void aHundredTryingDueWhileTheLoopIsBusyNeverFollowsTheFinal() throws Exception {
        server = new SipTransportServer(ListenerConfig.of(InetAddress.getByName("127.0.0.41"), 0).withIoThreads(1));
        RecordingUser tu = new RecordingUser() {
            @Override public synchronized void onRequest(ServerTransaction tx, SipRequest request) {
                super.onRequest(tx, request);
                // The loop stays busy past the 200 ms Trying timer, then the TU answers on it.
                ThreadExecutorMap.currentExecutor().execute(() -> {
                    try {
                        Thread.sleep(400);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    tx.respond(407, "Proxy Authentication Required");
                });
            }
        };
        layer = new TransactionLayer(tu, server);
        server.start(layer);
        InetSocketAddress to = server.localAddress(Transport.UDP);
        try (DatagramSocket caller = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.42"), 0))) {
            String invite = String.join("\r\n",
                    "INVITE sip:bob@127.0.0.41 SIP/2.0",
                    "Via: SIP/2.0/UDP 127.0.0.42:" + caller.getLocalPort() + ";branch=z9hG4bKtrying-order",
                    "Max-Forwards: 70",
                    "From: <sip:alice@sipfleet.local>;tag=a1",
                    "To: <sip:bob@sipfleet.local>",
                    "Call-ID: trying-order@127.0.0.42",
                    "CSeq: 1 INVITE",
                    "Contact: <sip:alice@127.0.0.42:" + caller.getLocalPort() + ">",
                    "Content-Length: 0", "", "");
            byte[] b = invite.getBytes(StandardCharsets.US_ASCII);
            caller.send(new DatagramPacket(b, b.length, to));
            // Everything that arrives within 1.2 s: the final's retransmission (Timer G, 500 ms) included.
            List<Integer> codes = new ArrayList<>();
            caller.setSoTimeout(200);
            long end = System.nanoTime() + 1_200_000_000L;
            byte[] buf = new byte[65_535];
            while (System.nanoTime() < end) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    caller.receive(p);
                } catch (SocketTimeoutException quiet) {
                    continue;
                }
                String text = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
                codes.add(Integer.parseInt(text.substring(8, 11)));
            }
            assertThat(codes).as("status codes in arrival order").contains(407);
            List<Integer> afterFinal = codes.subList(codes.indexOf(407), codes.size());
            assertThat(afterFinal).as("status codes from the final on: %s", codes).doesNotContain(100);
        }
    }
}
