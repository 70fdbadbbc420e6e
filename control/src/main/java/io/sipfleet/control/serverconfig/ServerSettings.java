package io.sipfleet.control.serverconfig;

import java.util.List;

/**
 * A server's configuration (the brief's "Server Config"), as the API shows and takes it. On a PUT
 * every field is optional: a field left out keeps its value, {@code null} clears an optional one
 * (fqdn, cluster_id, trace_collector, capacity_failover_server_id).
 *
 * @param fqdn                      the server's DNS name; needed before TLS or WebRTC
 * @param clusterId                 cluster the server belongs to (shares registrations, CPS and channels)
 * @param interconnect              the server is visible as a routing destination to the account's other servers
 * @param uacRegistrations          upstream registrations the server keeps (the brief's "UAC Auth")
 * @param webrtc                    SIP over secure WebSocket for web phones; needs fqdn and a server certificate
 * @param tls                       SIP over TLS; needs fqdn and a server certificate covering it
 * @param autoUpgrade               upgrade by itself when a newer build is out and its channels reach zero
 * @param disableUacPing            no NAT keep-alive pings to registered phones
 * @param uacLocationSharing        share registrations with the account's other un-clustered servers
 * @param tlsInternals              requests to the routing engine stay in TLS
 * @param restrictDirect            accept SIP only through the dispatchers (and from carriers, members)
 * @param tcpSipTrace               send SIP trace (HEP) over TCP instead of UDP; needs trace_collector
 * @param traceCollector            HEP collector as host:port; null = no trace export
 * @param region                    data-processing region, "US" or "EU" (default: the zone's)
 * @param extraUdpPorts             UDP ports opened besides 5060
 * @param extraTcpPorts             TCP ports opened besides 5060
 * @param extraTlsPorts             TLS ports opened besides 5061; needs tls
 * @param capacityFailoverServerId  server of the same cluster that takes calls over this one's CPS/channel limits
 */
public record ServerSettings(
        String fqdn,
        Long clusterId,
        Boolean interconnect,
        List<UacRegistration> uacRegistrations,
        Boolean webrtc,
        Boolean tls,
        Boolean autoUpgrade,
        Boolean disableUacPing,
        Boolean uacLocationSharing,
        Boolean tlsInternals,
        Boolean restrictDirect,
        Boolean tcpSipTrace,
        String traceCollector,
        String region,
        List<Integer> extraUdpPorts,
        List<Integer> extraTcpPorts,
        List<Integer> extraTlsPorts,
        Long capacityFailoverServerId) {

    /**
     * One upstream registration. {@code password} is write-only: views carry null; on a PUT, null
     * keeps the stored password of the same registrar and username (so GET-edit-PUT works).
     */
    public record UacRegistration(String registrar, String username, String password, Integer expiresSeconds) {
        @Override
        public String toString() {
            return "UacRegistration[" + username + " at " + registrar + "]";
        }
    }
}
