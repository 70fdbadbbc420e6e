package io.sipfleet.switching.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestClient;
import io.sipfleet.sip.message.HeaderName;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The REGISTER torture messages of RFC 4475, read byte for byte from the sip module's copy of
 * the RFC's archive (checked there against SHA256SUMS). Each is first sent as is (no credentials:
 * 401, or the 400 the RFC asks for), then with an Authorization header added on a new branch.
 */
class Rfc4475RegisterTest {
    static final Path CORPUS = Path.of("..", "sip", "src", "test", "resources", "testdata", "rfc4475");
    final RegistrarHarness h = new RegistrarHarness();
    final Peer peer = Peer.udp(new InetSocketAddress("192.0.2.44", 5060), new InetSocketAddress("127.0.0.1", 5060));

    static SipRequest load(String name) {
        try {
            return RegistrarHarness.parse(new String(Files.readAllBytes(CORPUS.resolve(name)), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message authenticated as {@code user} (password "{user}-pw"); returns the final answer. */
    SipResponse registerAuthenticated(String file, String user) {
        SipRequest original = load(file);
        SipResponse challenge = h.send(original, peer);
        assertThat(challenge.statusCode()).isEqualTo(401);
        DigestClient client = DigestClient.withPassword(user, user + "-pw");
        DigestChallenge ch = client.choose(challenge.headerValues(HeaderName.WWW_AUTHENTICATE)).orElseThrow();
        SipRequest retry = (SipRequest) original.edit()
                .set(HeaderName.VIA, "SIP/2.0/UDP 192.0.2.44:5060;branch=z9hG4bK-" + file.replace(".dat", "-2"))
                .append(HeaderName.AUTHORIZATION, client.authorize(ch, "REGISTER", "sip:example.com"))
                .build();
        return h.send(retry, peer);
    }

    /** 3.1.2.12 cparam01: an addr-spec Contact: ";unknownparam" is a header parameter, not the URI's. */
    @Test void cparam01() {
        SipResponse r = registerAuthenticated("cparam01.dat", "watson");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(h.bindings("sip:watson@example.com")).extracting(Binding::contact)
                .containsExactly("sip:+19725552222@gw1.example.net");
        assertThat(r.headerValues(HeaderName.CONTACT)).containsExactly("<sip:+19725552222@gw1.example.net>;expires=3600");
    }

    /** 3.1.2.13 cparam02: inside < > the parameter belongs to the URI and stays in the binding. */
    @Test void cparam02() {
        SipResponse r = registerAuthenticated("cparam02.dat", "watson");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(h.bindings("sip:watson@example.com")).extracting(Binding::contact)
                .containsExactly("sip:+19725552222@gw1.example.net;unknownparam");
        assertThat(r.headerValues(HeaderName.CONTACT))
                .containsExactly("<sip:+19725552222@gw1.example.net;unknownparam>;expires=3600");
    }

    /** 3.1.2.14 regescrt: the escaped Route header in the Contact URI is kept as sent. */
    @Test void regescrt() {
        SipResponse r = registerAuthenticated("regescrt.dat", "user");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(h.bindings("sip:user@example.com")).extracting(Binding::contact)
                .containsExactly("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
        assertThat(r.headerValues(HeaderName.CONTACT))
                .containsExactly("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>;expires=3600");
    }

    /** 3.3.6 unksm2: a To that is not a SIP URI is refused with 400, before any challenge. */
    @Test void unksm2() {
        SipResponse r = h.send(load("unksm2.dat"), peer);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reason()).isEqualTo("To must be a SIP or SIPS URI");
        assertThat(h.events.results).containsExactly(RegistrarEvents.BAD_REQUEST);
    }

    /** 3.1.2.10 regaut01: credentials of an unknown scheme are ignored: the answer is our challenge. */
    @Test void regaut01() {
        Peer tcp = new Peer(Transport.TCP, new InetSocketAddress("192.0.2.253", 40001), new InetSocketAddress("127.0.0.1", 5060), 7);
        SipResponse r = h.send(load("regaut01.dat"), tcp);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headerValues(HeaderName.WWW_AUTHENTICATE)).hasSize(2);
        assertThat(h.guard.isSlowed(tcp.remote().getAddress())).isFalse();
    }
}
