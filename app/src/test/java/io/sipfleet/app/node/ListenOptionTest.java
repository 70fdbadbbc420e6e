package io.sipfleet.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenOptionTest {
    @Test void forms() {
        assertThat(ListenOption.parse("127.0.0.2:5070")).isEqualTo(new InetSocketAddress("127.0.0.2", 5070));
        assertThat(ListenOption.parse("127.0.0.2")).isEqualTo(new InetSocketAddress("127.0.0.2", 5060));
        assertThat(ListenOption.parse("[::1]:5080")).isEqualTo(new InetSocketAddress("::1", 5080));
        assertThat(ListenOption.parse("[::1]")).isEqualTo(new InetSocketAddress("::1", 5060));
        assertThatThrownBy(() -> ListenOption.parse("127.0.0.2:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ListenOption.parse("[::1:5060")).hasMessageContaining("without ']'");
    }
}
