package io.sipfleet.dispatching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DispatcherConfigTest {
    private static final String MINIMAL = """
            {"version": 1, "serverId": "d1", "listen": [{"address": "127.0.0.10", "port": 5060}],
             "destinations": [{"uri": "sip:127.0.0.2:5060"}, {"uri": "sip:127.0.0.3:5060", "weight": 2}]}
            """;

    @Test void defaults() throws Exception {
        DispatcherConfig c = DispatcherConfig.parse(MINIMAL);
        assertThat(c.algorithmValue()).isEqualTo(Algorithm.ROUND_ROBIN);
        assertThat(c.probe().intervalSeconds()).isEqualTo(5);
        assertThat(c.probe().failuresToDown()).isEqualTo(3);
        assertThat(c.probe().successesToUp()).isEqualTo(2);
        assertThat(c.failoverCodes()).containsExactly(408, 500, 503);
        assertThat(c.maxSourceRate()).isEqualTo(200);
        assertThat(c.destinations().get(0).weight()).isEqualTo(1);
        assertThat(c.listen().get(0).transports()).containsExactly("udp");
        assertThat(c.metricsAddress()).isEqualTo("127.0.0.10");
        assertThat(c.probe().timeoutMillis()).isEqualTo(1000);
        assertThat(c.recordRoute()).isTrue();
        assertThat(c.transactionLingerSeconds()).as("RFC 3261 64*T1").isEqualTo(32);
        assertThat(c.whenAllDown()).as("panic routing").isEqualTo("try-all");
    }

    @Test void theProbeTimeoutMustLetNFailuresFitInOneInterval() throws Exception {
        String fast = MINIMAL.replace("\"serverId\"", "\"probe\": {\"intervalSeconds\": 1, \"failuresToDown\": 4}, \"serverId\"");
        assertThat(DispatcherConfig.parse(fast).probe().timeoutMillis()).as("default: interval / (failures + 1)").isEqualTo(200);
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("\"serverId\"",
                "\"probe\": {\"intervalSeconds\": 2, \"failuresToDown\": 3, \"timeoutMillis\": 1000}, \"serverId\"")))
                .hasMessageContaining("probe.timeoutMillis").hasMessageContaining("3 × 1000 ms");
        assertThat(DispatcherConfig.parse(MINIMAL.replace("\"serverId\"", "\"algorithm\": \"least-loaded\", \"serverId\""))
                .algorithmValue()).isEqualTo(Algorithm.LEAST_LOADED);
    }

    @Test void unknownFieldsAndBadValuesAreNamed() {
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("\"serverId\"", "\"algoritm\": \"x\", \"serverId\"")))
                .hasMessageContaining("algoritm");
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("sip:127.0.0.3:5060", "sip:switch.example.com")))
                .hasMessageContaining("destinations[1].uri").hasMessageContaining("IP literal");
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("\"serverId\"", "\"algorithm\": \"random\", \"serverId\"")))
                .hasMessageContaining("algorithm").hasMessageContaining("round-robin");
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("\"weight\": 2", "\"weight\": 0")))
                .hasMessageContaining("destinations[1].weight");
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("\"serverId\"", "\"transactionLingerSeconds\": 33, \"serverId\"")))
                .hasMessageContaining("transactionLingerSeconds: must be 1..32, was 33");
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("\"serverId\"", "\"whenAllDown\": \"panic\", \"serverId\"")))
                .hasMessageContaining("whenAllDown: must be \"try-all\" or \"refuse\", was \"panic\"");
        assertThatThrownBy(() -> DispatcherConfig.parse(MINIMAL.replace("\"port\": 5060", "\"port\": \"x\"")))
                .hasMessageContaining("listen[0].port");
    }

    @Test void theExampleIsValid() throws Exception {
        Path example = Path.of("../examples/dispatcher.json");
        DispatcherConfig c = DispatcherConfig.load(example);
        assertThat(c.destinations()).hasSize(3);
        assertThat(c.listen().get(0).address()).isEqualTo("127.0.0.10");
    }
}
