package io.sipfleet.switching.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.switching.cdr.CdrWriter;
import io.sipfleet.switching.config.ConfigHolder;
import io.sipfleet.switching.config.SwitchConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes /metrics over real HTTP, as Prometheus does. */
class MetricsServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private SwitchMetrics metrics;
    private MetricsServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        metrics = new SwitchMetrics("switch-1");
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics.registry());
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.address().getPort() + path)).timeout(Duration.ofSeconds(5));
        if (accept != null) {
            req.header("Accept", accept);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scrape_shows_every_switch_metric_by_its_carrier_name() throws Exception {
        metrics.registration("ok");
        metrics.registration("ok");
        metrics.registration("auth_failed");
        metrics.bindings(42);
        metrics.call("answered");
        metrics.channelsInUse(7);
        metrics.channelLimit(100);
        metrics.cpsRejected("route");
        metrics.keepAliveRtt(Duration.ofMillis(30).toNanos());
        metrics.keepAliveLost();
        metrics.authFailure();
        metrics.authBlockedSources(3);
        metrics.transactionsActive("server_invite", 5);
        metrics.sipMessage("in", "INVITE");
        metrics.messageOut("2xx");

        HttpResponse<String> r = get("/metrics", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsServer.PROMETHEUS_TEXT);
        assertThat(r.body())
                .contains("sipfleet_registrations_total{result=\"ok\",server=\"switch-1\"} 2.0")
                .contains("sipfleet_registrations_total{result=\"auth_failed\",server=\"switch-1\"} 1.0")
                .contains("sipfleet_registrations_total{result=\"rejected\",server=\"switch-1\"} 0.0")
                .contains("sipfleet_bindings{server=\"switch-1\"} 42.0")
                .contains("sipfleet_calls_total{result=\"answered\",server=\"switch-1\"} 1.0")
                .contains("sipfleet_channels_in_use{server=\"switch-1\"} 7.0")
                .contains("sipfleet_channel_limit{server=\"switch-1\"} 100.0")
                .contains("sipfleet_cps_rejected_total{scope=\"route\",server=\"switch-1\"} 1.0")
                .contains("sipfleet_keepalive_rtt_seconds_count{server=\"switch-1\"} 1")
                .contains("sipfleet_keepalive_rtt_seconds_bucket{server=\"switch-1\",le=\"0.05\"} 1")
                .contains("sipfleet_keepalive_lost_total{server=\"switch-1\"} 1.0")
                .contains("sipfleet_auth_failures_total{server=\"switch-1\"} 1.0")
                .contains("sipfleet_auth_blocked_sources{server=\"switch-1\"} 3.0")
                .contains("sipfleet_transactions_active{kind=\"server_invite\",server=\"switch-1\"} 5.0")
                .contains("sipfleet_sip_messages_total{direction=\"in\",kind=\"INVITE\",server=\"switch-1\"} 1.0")
                .contains("sipfleet_sip_messages_total{direction=\"out\",kind=\"2xx\",server=\"switch-1\"} 1.0")
                .contains("sipfleet_cdrs_dropped_total{server=\"switch-1\"} 0.0")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void config_and_cdr_writer_are_published() throws Exception {
        SwitchConfig config = SwitchConfig.parse("""
                { "version": 7, "serverId": "switch-1", "realm": "r", "channelLimit": 250,
                  "listen": [ { "address": "127.0.0.1" } ] }""");
        ConfigHolder holder = new ConfigHolder(config);
        metrics.follow(holder);
        holder.apply(config.withVersion(6));  // refused: older
        try (CdrWriter cdrs = CdrWriter.open(dir.resolve("cdr.jsonl"))) {
            metrics.cdrWriter(cdrs);
            cdrs.write(io.sipfleet.switching.cdr.Cdr.builder().callId("c").startTime(java.time.Instant.now())
                    .endTime(java.time.Instant.now()).endReason("CANCEL").build());
            assertThat(cdrs.flush(Duration.ofSeconds(5))).isTrue();

            assertThat(get("/metrics", null).body())
                    .contains("sipfleet_config_version{server=\"switch-1\"} 7.0")
                    .contains("sipfleet_config_reloads_total{result=\"refused\",server=\"switch-1\"} 1.0")
                    .contains("sipfleet_channel_limit{server=\"switch-1\"} 250.0")
                    .contains("sipfleet_cdrs_written_total{server=\"switch-1\"} 1.0");
        }
    }

    @Test
    void openmetrics_when_asked() throws Exception {
        metrics.call("failed");
        HttpResponse<String> r = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsServer.OPENMETRICS_TEXT);
        assertThat(r.body()).contains("sipfleet_calls_total{result=\"failed\",server=\"switch-1\"} 1.0").endsWith("# EOF\n");
    }

    @Test
    void other_paths_and_methods_are_refused() throws Exception {
        assertThat(get("/", null).statusCode()).isEqualTo(404);
        assertThat(get("/metricsx", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void starts_on_the_configured_address() throws Exception {
        SwitchConfig config = SwitchConfig.parse("""
                { "version": 1, "serverId": "switch-1", "realm": "r", "metricsPort": 0,
                  "listen": [ { "address": "127.0.0.1" } ] }""");
        try (MetricsServer s = MetricsServer.start(config, metrics)) {
            assertThat(s.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(s.address().getPort()).isPositive();
        }
    }
}
