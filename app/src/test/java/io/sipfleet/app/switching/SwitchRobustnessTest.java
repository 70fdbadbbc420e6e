package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.transport.TransportStats;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the switch must not act on blindly: an ACK or an in-dialog request addressed to the
 * switch's own address must not be sent back to the switch (a loop the Max-Forwards count would
 * only end after 70 rounds), and a request that only looks in-dialog (a To tag, no call the
 * switch knows) must not let an unauthenticated source reach a gateway.
 */
class SwitchRobustnessTest {
    static final String SWITCH = "127.0.0.68", CLIENT = "127.0.0.195", GATEWAY = "127.0.0.196";
    static final String TRUSTED = "127.0.0.197";
    static final Duration WAIT = Duration.ofSeconds(2);

    TestSwitch sw;

    @BeforeEach void startSwitch() {
        sw = TestSwitch.start(new TestSwitch.Config(SWITCH).route("uk", "44", "sip:" + GATEWAY + ":5080")
                .route("in", "99", "sip:" + TRUSTED + ":5060"));
    }

    @AfterEach void stopSwitch() {
        if (sw != null) sw.close();
    }

    private long received() {
        return sw.node.transportStats().stream().mapToLong(TransportStats::receivedUdp).sum();
    }

    private static String withToTag(String request, String toUri, String tag) {
        return request.replace("To: <" + toUri + ">", "To: <" + toUri + ">;tag=" + tag);
    }

    @Test void anAckWithANewBranchForOurOwnAddressIsNotSentBackToUs() {
        String ruri = "sip:1002@" + SWITCH + ":5060";
        try (RawSip c = new RawSip(CLIENT, SWITCH, TestSwitch.PORT)) {
            String callId = RawSip.unique("ack");
            RawSip.Received challenge = c.exchange(c.request("INVITE", ruri, "1001", ruri, callId, 1), callId, 1, WAIT);
            assertThat(challenge.status()).isEqualTo(407);
            String toTag = challenge.response().to().tag();
            long before = received();
            // the ACK of the 407, but with a branch of its own (RFC 2543 style, or a careless UA)
            c.send(withToTag(c.request("ACK", ruri, "1001", ruri, callId, 1), ruri, toTag));
            Sipp.sleep(300);
            assertThat(received() - before).as("messages the switch received: the ACK, not copies of it from itself")
                    .isEqualTo(1);
        }
    }

    @Test void anInDialogRequestForOurOwnAddressIsRefusedNotLooped() {
        String ruri = "sip:1002@" + SWITCH + ":5060";
        try (RawSip c = new RawSip(CLIENT, SWITCH, TestSwitch.PORT)) {
            String callId = RawSip.unique("loop");
            long before = received();
            RawSip.Received r = c.exchange(withToTag(c.request("BYE", ruri, "1001", ruri, callId, 1), ruri, "nosuchdialog"),
                    callId, 1, WAIT);
            assertThat(r).as("answer").isNotNull();
            assertThat(r.status()).as("answer to an unauthenticated BYE for no known dialog").isEqualTo(407);
            assertThat(received() - before).as("messages the switch received").isEqualTo(1);
        }
        // a carrier gateway needs no credentials: the request is routed, and found to point at the switch
        try (RawSip gw = new RawSip(TRUSTED, SWITCH, TestSwitch.PORT)) {
            String callId = RawSip.unique("loop");
            long before = received();
            RawSip.Received r = gw.exchange(withToTag(gw.request("BYE", ruri, "441632960001", ruri, callId, 1), ruri,
                    "nosuchdialog"), callId, 1, WAIT);
            assertThat(r).as("answer").isNotNull();
            assertThat(r.status()).as("answer to a BYE the switch would send to itself").isEqualTo(482);
            assertThat(received() - before).as("messages the switch received").isEqualTo(1);
        }
    }

    @Test void aRequestThatOnlyLooksInDialogDoesNotReachAGatewayUnauthenticated() throws Exception {
        try (RawSip c = new RawSip(CLIENT, SWITCH, TestSwitch.PORT);
             DatagramSocket gateway = new DatagramSocket(new InetSocketAddress(GATEWAY, 5080))) {
            String ruri = "sip:442071234567@" + GATEWAY + ":5080";
            String callId = RawSip.unique("relay");
            String to = "sip:442071234567@sipfleet.local";
            RawSip.Received r = c.exchange(withToTag(c.request("INVITE", ruri, "1001", to, callId, 1), to, "forged"),
                    callId, 1, WAIT);
            gateway.setSoTimeout(300);
            byte[] buf = new byte[4096];
            boolean reached;
            try {
                gateway.receive(new DatagramPacket(buf, buf.length));
                reached = true;
            } catch (SocketTimeoutException e) {
                reached = false;
            }
            assertThat(reached).as("the gateway got the unauthenticated INVITE").isFalse();
            assertThat(r).isNotNull();
            assertThat(r.status()).isEqualTo(407);
        }
    }
}
