package io.sipfleet.app.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipfleet.app.switching.Sipp;
import io.sipfleet.app.switching.TestSwitch;
import io.sipfleet.dispatching.DispatcherConfig;
import io.sipfleet.dispatching.DispatcherNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One dispatcher (127.0.6.10) in front of three switches (127.0.6.1-3) for one test, with the
 * SIPp peers around them: a gateway answering every call the switches route out (127.0.6.20:5080)
 * and callers (127.0.6.21 and up). By default each switch trusts the dispatcher's address (it is
 * the gateway of a route "dispatcher"), so calls through it need no digest round.
 */
final class Fleet3 implements AutoCloseable {
    static final String DISPATCHER = "127.0.6.10", GATEWAY = "127.0.6.20", CALLER = "127.0.6.21", CALLER2 = "127.0.6.22";
    static final String[] SWITCHES = {"127.0.6.1", "127.0.6.2", "127.0.6.3"};
    static final int GATEWAY_PORT = 5080;

    final Path dir;
    final List<TestSwitch> switches = new ArrayList<>();
    DispatcherNode dispatcher;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Fleet3(Path dir) { this.dir = dir; }

    /** A switch's snapshot as the tests here start from: calls to any number go to the gateway. */
    static TestSwitch.Config switchConfig(String ip, boolean trustDispatcher) {
        TestSwitch.Config c = new TestSwitch.Config(ip);
        if (trustDispatcher) c.route("dispatcher", "99", "sip:" + DISPATCHER + ":5099");
        c.route("out", "", "sip:" + GATEWAY + ":" + GATEWAY_PORT);
        c.dispatchers.add(DISPATCHER);
        return c;
    }

    /** Starts the three switches, each config adjusted by {@code adjust} (index, config). */
    Fleet3 switches(boolean trustDispatcher, java.util.function.BiConsumer<Integer, TestSwitch.Config> adjust) {
        for (int i = 0; i < SWITCHES.length; i++) {
            TestSwitch.Config c = switchConfig(SWITCHES[i], trustDispatcher);
            adjust.accept(i, c);
            switches.add(TestSwitch.start(c));
        }
        return this;
    }

    Fleet3 switches() { return switches(true, (i, c) -> {}); }

    /**
     * The dispatcher's snapshot: probes every second, out after 2 failures of 400 ms each (a dead
     * switch is out within 1 + 2 x 0.4 = 1.8 s, inside the 2 intervals), back after 2 answers.
     */
    static String dispatcherJson(long version, String algorithm, String destinations) {
        return """
                {"version": %d, "serverId": "dispatcher-6",
                 "listen": [{"address": "%s", "port": 5060}],
                 "destinations": [%s],
                 "algorithm": "%s",
                 "probe": {"intervalSeconds": 1, "failuresToDown": 2, "successesToUp": 2, "timeoutMillis": 400},
                 "noAnswerMillis": 1000, "maxSourceRate": 200, "metricsPort": 0}
                """.formatted(version, DISPATCHER, destinations, algorithm);
    }

    static String allThree() {
        return "{\"uri\": \"sip:" + SWITCHES[0] + ":5060\"}, {\"uri\": \"sip:" + SWITCHES[1] + ":5060\"}, {\"uri\": \"sip:"
                + SWITCHES[2] + ":5060\"}";
    }

    Fleet3 dispatcher(String algorithm) throws Exception { return dispatcherFrom(dispatcherJson(1, algorithm, allThree())); }

    Fleet3 dispatcherFrom(String json) throws Exception {
        dispatcher = DispatcherNode.start(DispatcherConfig.parse(json));
        return this;
    }

    /** Calls from a trusted carrier: {@code uac-cps} (INVITE, 200, ACK, BYE) to 5551234. */
    Sipp caller(String ip, int calls, int rate, int timeout) {
        return Sipp.scenario("uac-cps").local(ip, 5060).remote(DISPATCHER, 5060)
                .injection("SEQUENTIAL", "441632960001").arg("-s", "5551234")
                .calls(calls).rate(rate, 1000).timeout(timeout);
    }

    /** A subscriber (1001, digest) calling {@code number}: INVITE, 407, INVITE with credentials, 180, 200, ACK, BYE. */
    Sipp subscriberCaller(String ip, String number, int calls, int rate) {
        return Sipp.scenario("uac-call").local(ip, 5060).remote(DISPATCHER, 5060)
                .injection("SEQUENTIAL", "1001;[authentication username=1001 password=secret1001]")
                .arg("-auth_uri", number + "@sipfleet.local").arg("-s", number)
                .calls(calls).rate(rate, 1000).timeout(30);
    }

    Sipp.Running gateway(int timeout) {
        return Sipp.scenario("uas-answer-any").local(GATEWAY, GATEWAY_PORT).timeout(timeout).start(dir, "gateway").awaitBound();
    }

    static double admitted(TestSwitch s) { return s.metric("sipfleet_calls_total", "result=\"admitted\""); }

    /** Admitted calls per switch, NaN read as 0. */
    double[] admitted() {
        double[] out = new double[switches.size()];
        for (int i = 0; i < out.length; i++) {
            double v = admitted(switches.get(i));
            out[i] = Double.isNaN(v) ? 0 : v;
        }
        return out;
    }

    /** Waits (at most {@code seconds}) until the dispatcher has every switch up. */
    void awaitAllUp(int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (String ip : SWITCHES) {
                try {
                    all &= dispatcher.isUp("sip:" + ip + ":5060");
                } catch (IllegalArgumentException notListed) {
                    // not a destination of this dispatcher
                }
            }
            if (all) return;
            Sipp.sleep(50);
        }
        throw new AssertionError("switches not all up after " + seconds + " s: " + get("/status"));
    }

    /** GET on the dispatcher's status server. */
    String get(String path) {
        var a = dispatcher.statusAddress();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    void each(Consumer<TestSwitch> action) { switches.forEach(action); }

    @Override public void close() {
        if (dispatcher != null) dispatcher.close();
        for (TestSwitch s : switches) {
            try {
                s.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
    }
}
