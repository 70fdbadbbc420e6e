package io.sipfleet.control.config;

import io.sipfleet.control.cluster.Cluster;
import io.sipfleet.control.cluster.Clustering;
import io.sipfleet.control.route.CarrierRoute;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.serverconfig.ServerSettings;
import io.sipfleet.control.sipuser.SipUser;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a switch's snapshot in the switch's own format (the field names of
 * {@code io.sipfleet.switching.config.SwitchConfig}, which refuses unknown fields). Control does
 * not import the switch: the format is a wire contract, checked by SwitchSnapshotCompatibilityTest
 * which parses this output with the switch's parser. Every field is written, defaults included, so
 * a node never depends on its own defaults for what control decided; the one exception is the
 * {@code clustering} block, written only for a cluster member (a standalone switch ignores it).
 */
final class SwitchSnapshot {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SwitchSnapshot() {
    }

    /**
     * What the server's config and its peers add to the snapshot.
     *
     * @param capacityFailover    "sip:IP:port" of the failover target, or null
     * @param dispatchers         addresses of the dispatchers in front of the switch
     * @param peers               locationSharingPeers entries (cluster members as "serverId=sip:IP:port",
     *                            or sharing peers' server ids)
     * @param serviceState        "active", or "expired" / "suspended": the switch answers new calls 503
     * @param upstream            the UAC registrations with their passwords in clear: the switch
     *                            must answer the registrar's digest challenges with them
     */
    record Extras(ServerSettings settings, String capacityFailover, List<String> dispatchers, List<String> peers,
                  String serviceState, List<ServerSettings.UacRegistration> upstream) {
    }

    static String json(Server server, String realm, Cluster cluster, String storeUri, String nonceSecret, List<SipUser> users,
                       List<CarrierRoute> routes, Extras x) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", server.configVersion());
        root.put("serverId", server.serverId());
        ObjectNode listen = root.putArray("listen").addObject();
        listen.put("address", server.address());
        listen.put("port", server.sipPort());
        listen.putArray("transports").add("udp").add("tcp");
        ObjectNode extra = root.putObject("extraPorts");
        x.settings().extraUdpPorts().forEach(extra.putArray("udp")::add);
        x.settings().extraTcpPorts().forEach(extra.putArray("tcp")::add);
        root.put("cpsLimit", server.cpsMax());
        root.put("channelLimit", server.channelsMax());
        root.put("capacityFailover", x.capacityFailover());
        ObjectNode keepAlive = root.putObject("keepAlive");
        keepAlive.put("mode", "options");
        keepAlive.put("intervalSeconds", 30);
        keepAlive.put("lostPingLimit", 3);
        keepAlive.put("disabled", x.settings().disableUacPing());
        root.put("realm", realm);
        ArrayNode sipUsers = root.putArray("sipUsers");
        for (SipUser u : users) {
            ObjectNode n = sipUsers.addObject();
            n.put("aor", "sip:" + u.username() + "@" + realm);
            n.put("authUser", u.username());
            n.put("ha1Md5", u.ha1Md5());
            n.put("ha1Sha256", u.ha1Sha256());
        }
        ObjectNode registrar = root.putObject("registrar");
        registrar.put("minExpiresSeconds", 60);
        registrar.put("maxExpiresSeconds", 3600);
        registrar.put("defaultExpiresSeconds", 3600);
        ArrayNode carrierRoutes = root.putArray("carrierRoutes");
        for (CarrierRoute r : routes) {
            ObjectNode n = carrierRoutes.addObject();
            n.put("prefix", r.prefix());
            n.put("gateway", r.gateway());
            n.put("cpsLimit", r.cpsLimit());
            n.put("name", r.name());
        }
        root.putNull("cdrFile");
        root.put("metricsPort", 9090);
        // Each node binds its own loopback address, so every node can use port 9090.
        root.put("metricsAddress", server.address());
        root.put("sessionTimeoutSeconds", 7200);
        root.putArray("allowedDestinations").add("0.0.0.0/0").add("::/0");
        ObjectNode authFailure = root.putObject("authFailure");
        authFailure.put("maxFailuresPerWindow", 10);
        authFailure.put("windowSeconds", 60);
        authFailure.put("blockSeconds", 600);
        // Both or neither: a cluster member shares its state through the store, a standalone switch has none.
        if (cluster == null) {
            root.putNull("clusterId");
            root.putNull("storeUri");
        } else {
            root.put("clusterId", cluster.scopeId());
            root.put("storeUri", storeUri);
        }
        x.peers().forEach(root.putArray("locationSharingPeers")::add);
        root.put("locationSharing", x.settings().uacLocationSharing());
        // MD5 challenge first: many phones (and SIPp) answer only the first challenge and know only MD5.
        root.putArray("digestAlgorithms").add("MD5").add("SHA-256");
        x.dispatchers().forEach(root.putArray("dispatchers")::add);
        root.put("restrictDirect", x.settings().restrictDirect());
        root.put("serviceState", x.serviceState());
        // The cluster's settings, the same on every member (each judges the others' room by its
        // own memberChannelLimit). A standalone switch ignores the block: it gets none.
        if (cluster != null) {
            Clustering c = cluster.clustering();
            ObjectNode clustering = root.putObject("clustering");
            clustering.put("storeFailMode", c.storeFailMode());
            clustering.put("memberChannelLimit", c.memberChannelLimit());
            clustering.put("capacityFailoverMode", c.capacityFailoverMode());
            clustering.put("channelLeaseTtlSeconds", c.channelLeaseTtlSeconds());
        }
        // the cluster's shared digest nonce key (behind a round-robin dispatcher), when there is one
        if (nonceSecret != null) root.put("nonceSecret", nonceSecret);
        ArrayNode upstream = root.putArray("upstreamRegistrations");
        for (ServerSettings.UacRegistration r : x.upstream()) {
            ObjectNode n = upstream.addObject();
            n.put("registrar", r.registrar());
            n.put("username", r.username());
            n.put("password", r.password());
            n.put("expiresSeconds", r.expiresSeconds() == null ? 3600 : r.expiresSeconds());
            n.put("retrySeconds", 30);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
