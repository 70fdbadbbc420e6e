package io.sipfleet.switching.cdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CdrTest {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456Z");

    /** An answered call: 2.5 s of setup, 61 s of talk, hung up by the caller. */
    static Cdr answered(String callId) throws Exception {
        return Cdr.builder()
                .callId(callId)
                .from("sip:1001@sipfleet.local").to("sip:442071234567@sipfleet.local")
                .ruri("sip:442071234567@127.0.0.2:5060")
                .source(new InetSocketAddress(InetAddress.getByName("192.0.2.10"), 5062))
                .route("uk").gateway("sip:127.0.0.31:5060")
                .startTime(T0).answerTime(T0.plusMillis(2500)).endTime(T0.plusMillis(63500))
                .finalStatus(200).endReason(EndReason.BYE_CALLER).serverId("switch-1")
                .build();
    }

    @Test
    void builder_derives_billsec_and_setup_time() throws Exception {
        Cdr c = answered("a@b");
        assertThat(c.durationMillis()).isEqualTo(61_000);
        assertThat(c.setupMillis()).isEqualTo(2_500);
        assertThat(c.startTime()).isEqualTo(Instant.parse("2025-03-01T10:00:00.123Z"));
        assertThat(c.source()).isEqualTo("192.0.2.10:5062");
    }

    @Test
    void unanswered_call_bills_nothing_and_setup_runs_to_the_end() {
        Cdr c = Cdr.builder().callId("x").startTime(T0).endTime(T0.plusMillis(8000))
                .finalStatus(486).endReason(EndReason.failure(486)).build();
        assertThat(c.durationMillis()).isZero();
        assertThat(c.setupMillis()).isEqualTo(8000);
        assertThat(c.answerTime()).isNull();
        assertThat(c.endReason()).isEqualTo("failure 486");
    }

    @Test
    void clock_step_back_never_gives_a_negative_bill() {
        Cdr c = Cdr.builder().callId("x").startTime(T0).answerTime(T0.plusMillis(10)).endTime(T0)
                .finalStatus(200).endReason(EndReason.BYE_CALLEE).build();
        assertThat(c.durationMillis()).isZero();
    }

    @Test
    void ipv6_source_is_bracketed() throws Exception {
        Cdr c = Cdr.builder().callId("x").startTime(T0).endTime(T0).endReason(EndReason.CANCEL)
                .source(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 5060)).build();
        assertThat(c.source()).isEqualTo("[2001:db8:0:0:0:0:0:1]:5060");
    }

    @Test
    void json_line_has_every_field_in_order_with_iso_times() throws Exception {
        String line = CdrJson.line(answered("call-1@host"));
        assertThat(line).isEqualTo("{\"callId\":\"call-1@host\",\"from\":\"sip:1001@sipfleet.local\","
                + "\"to\":\"sip:442071234567@sipfleet.local\",\"ruri\":\"sip:442071234567@127.0.0.2:5060\","
                + "\"source\":\"192.0.2.10:5062\",\"route\":\"uk\",\"gateway\":\"sip:127.0.0.31:5060\","
                + "\"startTime\":\"2025-03-01T10:00:00.123Z\",\"answerTime\":\"2025-03-01T10:00:02.623Z\","
                + "\"endTime\":\"2025-03-01T10:01:03.623Z\",\"durationMillis\":61000,\"setupMillis\":2500,"
                + "\"finalStatus\":200,\"endReason\":\"BYE caller\",\"serverId\":\"switch-1\"}");
        assertThat(CdrJson.parse(line)).isEqualTo(answered("call-1@host"));
    }

    @Test
    void required_facts_are_checked() {
        assertThatThrownBy(() -> Cdr.builder().startTime(T0).endTime(T0).endReason("x").build()).hasMessage("callId");
        assertThatThrownBy(() -> EndReason.failure(200)).hasMessageContaining("300..699");
    }
}
