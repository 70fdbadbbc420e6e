package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Address texts come from a small cache: whatever shares a slot, each address gets its own text. */
class IpLiteralsTest {

    @Test void textsAreRightForEveryAddressEvenWhenSlotsCollide() throws Exception {
        // 1 000 IPv4 addresses over 256 slots, twice (the second pass partly from the cache), and IPv6.
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 1000; i++) {
                InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, 7});
                assertThat(IpLiterals.text(a)).isEqualTo("10." + (i >> 8) + "." + (i & 0xff) + ".7");
            }
            assertThat(IpLiterals.text(InetAddress.getByName("2001:db8:0:0::9"))).isEqualTo("2001:db8::9");
            assertThat(IpLiterals.text(InetAddress.getByName("192.0.2.4"))).isEqualTo("192.0.2.4");
        }
    }

    @Test void aNewAddressObjectForTheSameAddressGetsTheSameText() throws Exception {
        byte[] ip = {127, 0, 0, 10};
        String first = IpLiterals.text(InetAddress.getByAddress(ip));
        assertThat(IpLiterals.text(InetAddress.getByAddress(ip))).isEqualTo("127.0.0.10").isSameAs(first);
    }
}
