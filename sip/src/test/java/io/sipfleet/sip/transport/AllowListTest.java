package io.sipfleet.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AllowListTest {
    private static InetSocketAddress a(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test void parsesIpv4AndIpv6Blocks() throws Exception {
        AllowList l = AllowList.parse("127.0.0.0/8, 10.0.0.0/8,2001:db8::/32,192.0.2.7");
        assertThat(l.allows(a("127.0.0.2", 5060))).isTrue();
        assertThat(l.allows(a("10.255.1.1", 5060))).isTrue();
        assertThat(l.allows(a("11.0.0.1", 5060))).isFalse();
        assertThat(l.allows(a("2001:db8:1::5", 5060))).isTrue();
        assertThat(l.allows(a("2001:db9::5", 5060))).isFalse();
        assertThat(l.allows(a("192.0.2.7", 5060))).isTrue();
        assertThat(l.allows(a("192.0.2.8", 5060))).isFalse();
        assertThat(l.refusal(a("11.0.0.1", 5060))).contains("not in the outbound allow-list");
    }

    @Test void ipv4MappedIpv6MatchesTheIpv4Block() throws Exception {
        AllowList l = AllowList.parse("10.0.0.0/8");
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3});
        assertThat(l.allows(new InetSocketAddress(mapped, 5060))).isTrue();
    }

    @Test void oddPrefixesMatchBitwise() throws Exception {
        AllowList l = AllowList.parse("172.16.0.0/12");
        assertThat(l.allows(a("172.31.255.255", 1))).isTrue();
        assertThat(l.allows(a("172.32.0.0", 1))).isFalse();
        assertThat(AllowList.parse("0.0.0.0/0").allows(a("8.8.8.8", 53))).isTrue();
    }

    @Test void anyAllowsEverythingButTheAlwaysRefused() throws Exception {
        for (String spec : new String[] {"any", "*", "", "  ", null}) {
            AllowList l = AllowList.parse(spec);
            assertThat(l.isAny()).isTrue();
            assertThat(l.allows(a("203.0.113.9", 5060))).isTrue();
        }
    }

    @Test void broadcastMulticastUnspecifiedAndPortZeroAreNeverDestinations() throws Exception {
        for (AllowList l : new AllowList[] {AllowList.ANY, AllowList.parse("0.0.0.0/0,::/0")}) {
            assertThat(l.refusal(a("255.255.255.255", 5060))).contains("broadcast");
            assertThat(l.refusal(a("224.0.1.75", 5060))).contains("multicast");
            assertThat(l.refusal(a("239.1.1.1", 5060))).contains("multicast");
            assertThat(l.refusal(a("0.0.0.0", 5060))).contains("unspecified");
            assertThat(l.refusal(a("0.1.2.3", 5060))).contains("unspecified");
            assertThat(l.refusal(a("::", 5060))).contains("unspecified");
            assertThat(l.refusal(a("ff02::1", 5060))).contains("multicast");
            assertThat(l.refusal(a("127.0.0.1", 0))).contains("port 0");
            assertThat(l.refusal(InetSocketAddress.createUnresolved("example.com", 5060))).contains("unresolved");
        }
    }

    @Test void badCidrsFailClearly() {
        assertThatThrownBy(() -> AllowList.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10.0.0.0/33'").hasMessageContaining("0..32");
        assertThatThrownBy(() -> AllowList.parse("2001:db8::/129")).hasMessageContaining("0..128");
        assertThatThrownBy(() -> AllowList.parse("10.0.0.1/8")).hasMessageContaining("host bits set")
                .hasMessageContaining("10.0.0.0/8");
        assertThatThrownBy(() -> AllowList.parse("example.com/24")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> AllowList.parse("10.0.0.0/8,,127.0.0.1")).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> AllowList.parse("10.0.0.0/x")).hasMessageContaining("prefix length 'x'");
        assertThatThrownBy(() -> AllowList.parse("300.1.1.1")).hasMessageContaining("'300.1.1.1'");
    }
}
