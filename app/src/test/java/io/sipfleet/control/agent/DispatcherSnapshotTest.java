package io.sipfleet.control.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.control.server.Server;
import io.sipfleet.dispatching.DispatcherConfig;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The snapshot control writes for a dispatcher is one the dispatcher itself accepts, and it carries
 * billing's verdict: an expired or suspended dispatcher refuses new calls like its switches do.
 * (Lives in app, which sees both modules, so it checks the producer against the real consumer.)
 */
class DispatcherSnapshotTest {
    private static Server server(long id, String type, String address, String serviceState) {
        return new Server(id, 1, type, "us-east", 1, 7L, address, 5060, Server.RUNNING, 100, 10, 4,
                Instant.EPOCH, Instant.EPOCH.plusSeconds(86_400), serviceState, Server.TEST_PLAN);
    }

    @Test void theDispatcherParsesItsSnapshotAndObeysBillingsState() throws Exception {
        List<Server> switches = List.of(server(2, Server.SWITCH, "127.0.7.2", Server.ACTIVE),
                server(3, Server.SWITCH, "127.0.7.3", Server.ACTIVE));
        for (String state : List.of(Server.ACTIVE, Server.EXPIRED, Server.SUSPENDED)) {
            DispatcherConfig c = DispatcherConfig.parse(NodeConfigs.dispatcher(
                    server(1, Server.DISPATCHER, "127.0.7.10", state), switches));
            assertThat(c.serviceState()).isEqualTo(state);
            assertThat(c.destinations()).extracting(DispatcherConfig.Destination::uri)
                    .containsExactly("sip:127.0.7.2:5060", "sip:127.0.7.3:5060");
            assertThat(c.version()).isEqualTo(4);
        }
        DispatcherConfig legacy = DispatcherConfig.parse(NodeConfigs.dispatcher(
                server(1, Server.DISPATCHER, "127.0.7.10", null), switches));
        assertThat(legacy.serviceState()).as("no billing state yet: active").isEqualTo(Server.ACTIVE);
    }
}
