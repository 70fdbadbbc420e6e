package io.sipfleet.control.agent;

import io.sipfleet.control.server.AddressPool;
import java.time.Duration;

/**
 * How control runs the fleet through host agents.
 *
 * @param addressPool     addresses given to new servers (one machine: a loopback range)
 * @param agentToken      shared secret agents present when registering and control presents to them
 * @param buildVersion    control's build: a server running an older one shows "pending update"
 * @param startTimeout    how long a started node has to answer SIP OPTIONS before it is "failed"
 * @param monitorInterval how often control probes servers (OPTIONS RTT, TCP connect, metrics) and
 *                        pushes pending config versions to their agents (the "next config pull")
 * @param drainTimeout    how long an OS cycle waits for calls to end before restarting anyway
 */
public record FleetOptions(AddressPool addressPool, String agentToken, String buildVersion,
                           Duration startTimeout, Duration monitorInterval, Duration drainTimeout) {

    public static FleetOptions of(AddressPool pool, String agentToken, String buildVersion) {
        return new FleetOptions(pool, agentToken, buildVersion, Duration.ofSeconds(30), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
    }

    public FleetOptions withMonitorInterval(Duration interval) {
        return new FleetOptions(addressPool, agentToken, buildVersion, startTimeout, interval, drainTimeout);
    }

    public FleetOptions withStartTimeout(Duration timeout) {
        return new FleetOptions(addressPool, agentToken, buildVersion, timeout, monitorInterval, drainTimeout);
    }
}
