package io.sipfleet.cluster.location;

import io.sipfleet.sip.transport.Transport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Redis store's text form of a binding: lossless, any characters, malformed input refused. */
class PackedBindingTest {
    static final String AOR = "sip:jürgen@example.net";

    @Test
    void roundTripsEveryFieldWhateverTheCharacters() {
        Binding full = new Binding(AOR, "sip:jürgen@192.0.2.1;ob", 1_700_000_060_000L, 500, "a:b-1;x=\"y\"@host", 4_294_967_295L,
                new Flow(Transport.TCP, "2001:db8::7", 40123, "10.0.0.1", 5061), "<urn:uuid:ä-1>", 2,
                "Téléphone ☎ 1.0 -: 12:", "switch-ü", 1_700_000_000_000L, "<sip:edge;lr>");
        Binding bare = new Binding("sip:a@h", "sip:a@h", 1, Binding.Q_ABSENT, "c", 0, Flow.udp("1.2.3.4", 1, "5.6.7.8", 2),
                null, Binding.NO_REG_ID, null, "m", 0, null);
        for (Binding b : new Binding[] {full, bare}) {
            String packed = PackedBinding.encode(b);
            assertThat(PackedBinding.decode(b.aor(), b.contact(), packed)).isEqualTo(b);
        }
        assertThat(PackedBinding.encode(bare)).startsWith("1;1:11:0").contains("-");
    }

    @Test
    void utf8LengthAgreesWithTheEncoder() {
        for (String s : new String[] {"", "abc", "jürgen", "☎", "😀x", "a\uD800b", "\uDC00"}) {
            assertThat(PackedBinding.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(PackedBinding.indexEntry(AOR, "sip:x")).isEqualTo("23:" + AOR + "sip:x");
    }

    @Test
    void malformedValuesAreRefusedNotGuessed() {
        String good = PackedBinding.encode(new Binding("sip:a@h", "sip:a@h", 1, -1, "c", 0, Flow.udp("1.2.3.4", 1, "5.6.7.8", 2),
                null, -1, null, "m", 0, null));
        for (String bad : new String[] {"", "2;" + good.substring(2), good.substring(0, good.length() - 1), good + "x",
                "1;999:abc", "1;x:1"}) {
            assertThatThrownBy(() -> PackedBinding.decode("sip:a@h", "sip:a@h", bad)).as(bad)
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
