package io.sipfleet.switching.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigHolderTest {

    static SwitchConfig config(long version, int cpsLimit) throws ConfigException {
        return SwitchConfig.parse(SwitchConfigTest.minimalWith(", \"cpsLimit\": " + cpsLimit)
                .replace("\"version\": 1", "\"version\": " + version));
    }

    @Test
    void applies_a_newer_snapshot_and_tells_listeners_after_the_swap() throws Exception {
        ConfigHolder holder = new ConfigHolder(config(1, 10));
        List<String> seen = new ArrayList<>();
        holder.subscribe((prev, next) -> seen.add(prev.version() + "->" + next.version()
                + " current=" + holder.current().version()));

        ApplyResult r = holder.apply(config(2, 20));

        assertThat(r.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
        assertThat(holder.current().cpsLimit()).isEqualTo(20);
        assertThat(seen).containsExactly("1->2 current=2");
        assertThat(holder.appliedCount()).isEqualTo(1);
    }

    @Test
    void refuses_an_older_version_and_keeps_the_running_one() throws Exception {
        ConfigHolder holder = new ConfigHolder(config(5, 10));
        List<Long> seen = new ArrayList<>();
        holder.subscribe((prev, next) -> seen.add(next.version()));

        ApplyResult r = holder.apply(config(4, 20));

        assertThat(r.outcome()).isEqualTo(ApplyResult.Outcome.REFUSED);
        assertThat(r.version()).isEqualTo(5);
        assertThat(r.reason()).isEqualTo("version 4 is older than the running 5; versions must not go backwards");
        assertThat(holder.current().cpsLimit()).isEqualTo(10);
        assertThat(seen).isEmpty();
        assertThat(holder.refusedCount()).isEqualTo(1);
    }

    @Test
    void same_version_is_a_no_op_when_identical_and_refused_when_different() throws Exception {
        ConfigHolder holder = new ConfigHolder(config(3, 10));

        assertThat(holder.apply(config(3, 10)).outcome()).isEqualTo(ApplyResult.Outcome.UNCHANGED);
        ApplyResult r = holder.apply(config(3, 11));
        assertThat(r.outcome()).isEqualTo(ApplyResult.Outcome.REFUSED);
        assertThat(r.reason()).isEqualTo("version 3 is already running with different content (cpsLimit); bump the version");
    }

    @Test
    void refuses_a_change_of_the_transaction_linger_which_is_read_at_start() throws Exception {
        SwitchConfig good = config(1, 10);
        ConfigHolder holder = new ConfigHolder(good);
        SwitchConfig other = new SwitchConfig(2, good.serverId(), good.listen(), good.extraPorts(), good.cpsLimit(),
                good.channelLimit(), null, good.keepAlive(), good.realm(), good.sipUsers(), good.registrar(),
                good.carrierRoutes(), null, good.metricsPort(), null, good.sessionTimeoutSeconds(),
                good.allowedDestinations(), good.authFailure(), null, null, List.of(), false, good.digestAlgorithms(),
                List.of(), false, null, "active", good.clustering(), List.of(), 5);

        ApplyResult r = holder.apply(other);

        assertThat(r.outcome()).isEqualTo(ApplyResult.Outcome.REFUSED);
        assertThat(r.reason()).isEqualTo("transactionLingerSeconds cannot change at runtime (running 32, got 5);"
                + " restart with the new file");
        assertThat(holder.current()).isSameAs(good);
    }

    @Test
    void refuses_an_invalid_snapshot_with_the_field_named() throws Exception {
        SwitchConfig good = config(1, 10);
        ConfigHolder holder = new ConfigHolder(good);
        SwitchConfig bad = new SwitchConfig(2, good.serverId(), good.listen(), good.extraPorts(), good.cpsLimit(), -1,
                null, good.keepAlive(), good.realm(), good.sipUsers(), good.registrar(), good.carrierRoutes(), null,
                good.metricsPort(), null, good.sessionTimeoutSeconds(), good.allowedDestinations(),
                good.authFailure(), null, null, List.of(), false, good.digestAlgorithms(), List.of(), false, null, "active", new Clustering(Clustering.StoreFailMode.CLOSED, 0, Clustering.CapacityFailoverMode.REDIRECT, 90), List.of(), 32);

        ApplyResult r = holder.apply(bad);

        assertThat(r.outcome()).isEqualTo(ApplyResult.Outcome.REFUSED);
        assertThat(r.reason()).isEqualTo("invalid: channelLimit: must be >= 0, was -1");
        assertThat(holder.current()).isSameAs(good);
        assertThatThrownBy(() -> new ConfigHolder(bad)).isInstanceOf(ConfigException.class);
    }

    @Test
    void refuses_a_server_id_change() throws Exception {
        ConfigHolder holder = new ConfigHolder(config(1, 10));
        SwitchConfig other = SwitchConfig.parse(SwitchConfigTest.minimalWith("")
                .replace("\"version\": 1", "\"version\": 2").replace("sw-test", "sw-other"));

        assertThat(holder.apply(other).reason()).startsWith("serverId cannot change at runtime");
    }

    @Test
    void a_failing_listener_does_not_stop_the_others_nor_the_swap() throws Exception {
        ConfigHolder holder = new ConfigHolder(config(1, 10));
        List<Long> seen = new ArrayList<>();
        holder.subscribe((prev, next) -> { throw new IllegalStateException("boom"); });
        Subscription s = holder.subscribe((prev, next) -> seen.add(next.version()));

        assertThat(holder.apply(config(2, 10)).applied()).isTrue();
        s.close();
        assertThat(holder.apply(config(3, 10)).applied()).isTrue();

        assertThat(seen).containsExactly(2L);
        assertThat(holder.current().version()).isEqualTo(3);
    }

    @Test
    void concurrent_applies_end_on_the_highest_version_with_listeners_in_order() throws Exception {
        ConfigHolder holder = new ConfigHolder(config(0, 0));
        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        holder.subscribe((prev, next) -> seen.add(next.version()));
        List<SwitchConfig> snapshots = new ArrayList<>();
        for (int v = 1; v <= 50; v++) {
            snapshots.add(config(v, v));
        }
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            snapshots.forEach(s -> pool.submit(() -> holder.apply(s)));
        }
        assertThat(holder.current().version()).isEqualTo(50);
        assertThat(seen).isSorted().endsWith(50L);
    }
}
