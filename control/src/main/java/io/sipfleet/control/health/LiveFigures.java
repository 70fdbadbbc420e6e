package io.sipfleet.control.health;

import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerApi;

/** What the server list shows of control's measurements. */
public final class LiveFigures {

    private final RuntimeStore runtime;
    private final String buildVersion;

    public LiveFigures(RuntimeStore runtime, String buildVersion) {
        this.runtime = runtime;
        this.buildVersion = buildVersion;
    }

    public ServerApi.Live of(Server s) {
        return runtime.find(s.id()).map(r -> {
            boolean measured = r.probedAt() != null && Server.RUNNING.equals(s.status());
            return new ServerApi.Live(measured ? r.channelsInUse() : null, measured ? r.sipLatencyMs() : null,
                    measured ? r.icmpLatencyMs() : null, measured ? r.tcpLatencyMs() : null,
                    SipProbe.ICMP ? "icmp echo (and tcp_connect to port " + HealthMonitor.tcpPort(s) + ")"
                            : "tcp_connect to port " + HealthMonitor.tcpPort(s)
                            + " (ICMP not available: control lacks CAP_NET_RAW)",
                    r.version(), Versions.older(r.version(), buildVersion), r.statusReason());
        }).orElse(ServerApi.Live.NONE);
    }
}
