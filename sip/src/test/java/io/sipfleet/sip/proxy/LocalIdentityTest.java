package io.sipfleet.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalIdentityTest {
    private final LocalIdentity self = new LocalIdentity(List.of(
            new InetSocketAddress("127.0.0.2", 5060), new InetSocketAddress("::1", 5080)), "sipfleet.local");

    @Test
    void aUriIsOursByDomainOrByListenerAddressAndPort() {
        assertThat(self.isLocal(SipUri.of(null, "SIPFLEET.local", -1))).as("domain, any case").isTrue();
        assertThat(self.isLocal("127.0.0.2", 5060)).isTrue();
        assertThat(self.isLocal("127.0.0.2", -1)).as("no port: any of ours").isTrue();
        assertThat(self.isLocal("127.0.0.2", 5070)).as("another port is another server").isFalse();
        assertThat(self.isLocal("127.0.0.3", 5060)).isFalse();
        assertThat(self.isLocal("[0:0:0:0:0:0:0:1]", 5080)).as("IPv6 reference as getHostAddress writes it").isTrue();
        assertThat(self.isLocal("[0:0:0:0:0:0:0:1]", 5060)).isFalse();
        assertThat(self.isLocal("[0:0:0:0:0:0:0:1", 5080)).as("unbalanced bracket").isFalse();
    }

    @Test
    void ourOwnViaIsRecognisedAsAListenerWhateverTheIpv6Spelling() {
        var via4 = self.via(Transport.UDP, self.listeners().get(0));
        assertThat(self.isListener(via4.host(), via4.port())).as("the Via we write").isTrue();
        assertThat(via4.host()).isEqualTo("127.0.0.2");
        assertThat(self.recordRoute(self.listeners().get(0), Transport.UDP)).isEqualTo("<sip:127.0.0.2:5060;lr>");
        var via6 = self.via(Transport.UDP, self.listeners().get(1));
        assertThat(via6.host()).isEqualTo("[0:0:0:0:0:0:0:1]");
        assertThat(self.recordRoute(self.listeners().get(1), Transport.TCP)).isEqualTo("<sip:[0:0:0:0:0:0:0:1]:5080;transport=tcp;lr>");
        assertThat(self.isListener(via6.host(), via6.port())).isTrue();
        assertThat(self.isListener("[::1]", 5080)).as("zero-compressed spelling of our IPv6 listener").isTrue();
        assertThat(self.isListener("127.0.0.2", -1)).as("no port means 5060").isTrue();
        assertThat(self.isListener("127.0.0.2", 5061)).isFalse();
        assertThat(self.isListener("198.51.100.7", 5060)).isFalse();
        assertThat(self.isListener("switch.example.com", 5060)).as("a host name is never a listener").isFalse();
        assertThat(self.isListener(null, 5060)).isFalse();
    }

    @Test
    void aWildcardListenerCountsForLoopbackSpellings() {
        LocalIdentity any = new LocalIdentity(List.of(new InetSocketAddress("0.0.0.0", 5060)), "sipfleet.local");
        assertThat(any.isListener("127.0.0.1", 5060)).isTrue();
        assertThat(any.isListener("127.0.0.1", 5070)).isFalse();
        assertThat(any.isListener("198.51.100.7", 5060)).isFalse();
    }
}
