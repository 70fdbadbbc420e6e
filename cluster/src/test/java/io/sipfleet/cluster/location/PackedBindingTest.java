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
        assertThat(PackedBinding.encode(bare)).isEqualTo("2;1;0;0;-1;-1;1;1;-;cm3:UDP7:1.2.3.41:17:5.6.7.81:2--");
        assertThat(PackedBinding.encode(full)).startsWith("2;1700000060000;1700000000000;4294967295;2;500;16;9;15;a:b-1;x=\"y\"@hostswitch-ü<urn:uuid:ä-1>3:TCP");
    }

    /** Bindings written by the previous release (format 1) are read until their next refresh rewrites them. */
    @Test
    void readsFormatOne() {
        Binding b = new Binding(AOR, "sip:jürgen@192.0.2.1;ob", 1_700_000_060_000L, 500, "a:b-1;x=\"y\"@host", 4_294_967_295L,
                new Flow(Transport.TCP, "2001:db8::7", 40123, "10.0.0.1", 5061), "<urn:uuid:ä-1>", 2,
                "Téléphone ☎ 1.0 -: 12:", "switch-ü", 1_700_000_000_000L, "<sip:edge;lr>");
        String v1 = "1;13:1700000060000" + "13:1700000000000" + "3:500" + "16:a:b-1;x=\"y\"@host" + "10:4294967295"
                + "15:<urn:uuid:ä-1>" + "1:2" + "9:switch-ü" + "3:TCP" + "11:2001:db8::7" + "5:40123" + "8:10.0.0.1"
                + "4:5061" + "26:Téléphone ☎ 1.0 -: 12:" + "13:<sip:edge;lr>";
        assertThat(PackedBinding.decode(b.aor(), b.contact(), v1)).isEqualTo(b);
        String bare = "1;1:1" + "1:0" + "2:-1" + "1:c" + "1:0" + "-" + "2:-1" + "1:m" + "3:UDP" + "7:1.2.3.4" + "1:1"
                + "7:5.6.7.8" + "1:2" + "-" + "-";
        assertThat(PackedBinding.decode("sip:a@h", "sip:a@h", bare)).isEqualTo(new Binding("sip:a@h", "sip:a@h", 1,
                Binding.Q_ABSENT, "c", 0, Flow.udp("1.2.3.4", 1, "5.6.7.8", 2), null, Binding.NO_REG_ID, null, "m", 0, null));
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
        for (String bad : new String[] {"", "3;" + good.substring(2), good.substring(0, good.length() - 1), good + "x",
                "1;999:abc", "1;x:1", "2;1;0;0;-1;-1;99;1;-;cm3:UDP7:1.2.3.41:17:5.6.7.81:2--", "2;1;0;0;-1;-1;1;1;-cm",
                "2;1;0;x;-1;-1;1;1;-;cm3:UDP7:1.2.3.41:17:5.6.7.81:2--", "2;1;0;0;-1;-1;1;1;-;cm3:UDP7:1.2.3.41:17:5.6.7.81:2-"}) {
            assertThatThrownBy(() -> PackedBinding.decode("sip:a@h", "sip:a@h", bad)).as(bad)
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
