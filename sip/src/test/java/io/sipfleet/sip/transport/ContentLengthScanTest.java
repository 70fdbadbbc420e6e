package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ContentLengthScanTest {
    private static long scan(String... headers) {
        ByteBuf b = Unpooled.wrappedBuffer(Sip.bytes(Sip.raw("", headers)));
        return ContentLengthScan.scan(b, 0, b.readableBytes());
    }

    @Test void longAndCompactFormsInAnyCase() {
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length: 12")).isEqualTo(12);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "content-LENGTH:7")).isEqualTo(7);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "l: 5")).isEqualTo(5);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "L  :\t 0 ")).isZero();
    }

    @Test void absentWhenNoHeader() {
        assertThat(scan("OPTIONS sip:a SIP/2.0", "X-Content-Length: 4", "Lx: 3")).isEqualTo(ContentLengthScan.ABSENT);
    }

    @Test void foldedValueIsJoined() {
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length:", "  42", "Via: x")).isEqualTo(42);
    }

    @Test void invalidAndConflicting() {
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length: -5")).isEqualTo(ContentLengthScan.INVALID);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length: 1 2")).isEqualTo(ContentLengthScan.INVALID);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length:")).isEqualTo(ContentLengthScan.INVALID);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length: 0x10")).isEqualTo(ContentLengthScan.INVALID);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length: 3", "l: 4")).isEqualTo(ContentLengthScan.CONFLICT);
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length: 3", "l: 3")).isEqualTo(3);
    }

    @Test void hugeValuesSaturate() {
        assertThat(scan("OPTIONS sip:a SIP/2.0", "Content-Length: 99999999999999999999999"))
                .isEqualTo(ContentLengthScan.HUGE);
    }
}
