package io.sipfleet.switching.registrar;

import io.sipfleet.sip.message.SipRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A REGISTER as a phone behind NAT sends it; every {@link #build} gets a fresh Via branch. */
final class Reg {
    private static final AtomicLong COUNTER = new AtomicLong();

    String requestUri = "sip:example.com";
    String aor;
    String callId = "reg-" + COUNTER.incrementAndGet() + "@192.168.1.10";
    long cseq = 1;
    final List<String> contacts = new ArrayList<>();
    final List<String> extra = new ArrayList<>();
    String authorization;

    Reg(String user) {
        this.aor = "sip:" + user + "@example.com";
        contacts.add("<sip:" + user + "@192.168.1.10:5060>");
    }

    static Reg of(String user) { return new Reg(user); }

    Reg to(String aorUri) { aor = aorUri; return this; }

    Reg cseq(long n) { cseq = n; return this; }

    Reg callId(String id) { callId = id; return this; }

    Reg contacts(String... values) { contacts.clear(); contacts.addAll(List.of(values)); return this; }

    Reg expires(String value) { return header("Expires", value); }

    Reg header(String name, String value) { extra.add(name + ": " + value); return this; }

    Reg authorization(String value) { authorization = value; return this; }

    SipRequest build() {
        StringBuilder sb = new StringBuilder(512)
                .append("REGISTER ").append(requestUri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 192.168.1.10:5060;rport;branch=z9hG4bK-test-")
                .append(COUNTER.incrementAndGet()).append("\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <").append(aor).append(">;tag=ua-1\r\n")
                .append("To: <").append(aor).append(">\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseq).append(" REGISTER\r\n");
        for (String c : contacts) sb.append("Contact: ").append(c).append("\r\n");
        for (String h : extra) sb.append(h).append("\r\n");
        if (authorization != null) sb.append("Authorization: ").append(authorization).append("\r\n");
        sb.append("User-Agent: TestPhone/1.0\r\nContent-Length: 0\r\n\r\n");
        return RegistrarHarness.parse(sb.toString());
    }
}
