package io.sipfleet.switching.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipfleet.sip.auth.DigestAlgorithm;
import io.sipfleet.sip.auth.Ha1;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticUserDirectoryTest {
    static final String MD5 = Ha1.compute(DigestAlgorithm.MD5, "1001", "r", "pw");
    static final String SHA = Ha1.compute(DigestAlgorithm.SHA_256, "1001", "r", "pw");

    @Test void findsUsersByAuthUserAndCanonicalAor() {
        var dir = new StaticUserDirectory(List.of(new SipUser("sips:1001@SipFleet.Local:5061;transport=tls", "1001", MD5, SHA)));
        SipUser u = dir.byAuthUser("1001").orElseThrow();
        assertThat(u.aor()).isEqualTo("sip:1001@sipfleet.local");
        assertThat(dir.byAor("sip:1001@sipfleet.local")).contains(u);
        assertThat(dir.byAuthUser("1002")).isEmpty();
        assertThat(u.ha1(DigestAlgorithm.SHA_256_SESS)).isEqualTo(SHA);
        assertThat(u.ha1(DigestAlgorithm.MD5)).isEqualTo(MD5);
    }

    @Test void refusesDuplicatesAndBadHa1sWithoutPrintingThem() {
        assertThatThrownBy(() -> new StaticUserDirectory(List.of(
                new SipUser("sip:1001@a", "1001", MD5, null), new SipUser("sip:1001@A", "x", MD5, null))))
                .hasMessageContaining("AoR 'sip:1001@a' is listed twice");
        assertThatThrownBy(() -> new StaticUserDirectory(List.of(
                new SipUser("sip:1001@a", "1001", MD5, null), new SipUser("sip:1002@a", "1001", MD5, null))))
                .hasMessageContaining("auth user '1001' is listed twice");
        assertThatThrownBy(() -> new SipUser("sip:1001@a", "1001", "abc", null))
                .hasMessageContaining("MD5 HA1 must be 32 hex digits").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> new SipUser("sip:1001@a", "1001", null, null)).hasMessageContaining("neither");
        assertThatThrownBy(() -> new StaticUserDirectory(List.of(new SipUser("tel:+1001", "1001", MD5, null))))
                .hasMessageContaining("sip: or sips: URI with a user part");
    }

    @Test void toStringHidesHa1s() {
        assertThat(new SipUser("sip:1001@a", "1001", MD5, SHA).toString()).doesNotContain(MD5, SHA).contains("***");
    }

    @Test void aReloadSwapsTheWholeDirectory() {
        var swappable = new SwappableUserDirectory(StaticUserDirectory.EMPTY);
        assertThat(swappable.byAuthUser("1001")).isEmpty();
        swappable.replace(new StaticUserDirectory(List.of(new SipUser("sip:1001@a", "1001", MD5, null))));
        assertThat(swappable.byAuthUser("1001")).isPresent();
    }
}
