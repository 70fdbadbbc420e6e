package io.sipfleet.control.serverconfig;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of server config and UAC registrations. Callers check the server's account first. */
@RegisterConstructorMapper(ServerSettingsDao.Row.class)
@RegisterConstructorMapper(ServerSettingsDao.UacRow.class)
public interface ServerSettingsDao {

    /** Row of {@code server_config}; ports as comma-separated text. */
    record Row(long serverId, String fqdn, boolean interconnect, boolean webrtc, boolean tls, boolean autoUpgrade,
               boolean disableUacPing, boolean uacLocationSharing, boolean tlsInternals, boolean restrictDirect,
               boolean tcpSipTrace, String traceCollector, String region, String extraUdpPorts,
               String extraTcpPorts, String extraTlsPorts, Long capacityFailoverServerId) {
    }

    /** Row of {@code uac_registration}; the password stays sealed until the snapshot needs it. */
    record UacRow(long id, long serverId, String registrar, String username, String passwordEnc, int expiresSeconds) {
        @Override
        public String toString() {
            return "UacRow[" + username + " at " + registrar + "]";
        }
    }

    @SqlQuery("SELECT * FROM server_config WHERE server_id = :serverId")
    Optional<Row> find(long serverId);

    @SqlUpdate("DELETE FROM server_config WHERE server_id = :serverId")
    int delete(long serverId);

    @SqlUpdate("""
            INSERT INTO server_config (server_id, fqdn, interconnect, webrtc, tls, auto_upgrade, disable_uac_ping,
                                       uac_location_sharing, tls_internals, restrict_direct, tcp_sip_trace,
                                       trace_collector, region, extra_udp_ports, extra_tcp_ports, extra_tls_ports,
                                       capacity_failover_server_id)
            VALUES (:serverId, :fqdn, :interconnect, :webrtc, :tls, :autoUpgrade, :disableUacPing,
                    :uacLocationSharing, :tlsInternals, :restrictDirect, :tcpSipTrace,
                    :traceCollector, :region, :extraUdpPorts, :extraTcpPorts, :extraTlsPorts,
                    :capacityFailoverServerId)""")
    void insert(@BindMethods Row row);

    @SqlQuery("SELECT * FROM uac_registration WHERE server_id = :serverId ORDER BY id")
    List<UacRow> registrations(long serverId);

    @SqlUpdate("DELETE FROM uac_registration WHERE server_id = :serverId")
    int deleteRegistrations(long serverId);

    @SqlUpdate("""
            INSERT INTO uac_registration (server_id, registrar, username, password_enc, expires_seconds)
            VALUES (:serverId, :registrar, :username, :passwordEnc, :expiresSeconds)""")
    void insertRegistration(long serverId, String registrar, String username, String passwordEnc, int expiresSeconds);

    /** Servers of the account whose capacity failover points at {@code serverId}. */
    @SqlQuery("""
            SELECT c.server_id FROM server_config c JOIN server s ON s.id = c.server_id
             WHERE s.account_id = :accountId AND c.capacity_failover_server_id = :serverId ORDER BY c.server_id""")
    List<Long> failoverSources(long accountId, long serverId);

    /** Servers of the account with UAC location sharing on. */
    @SqlQuery("""
            SELECT c.server_id FROM server_config c JOIN server s ON s.id = c.server_id
             WHERE s.account_id = :accountId AND c.uac_location_sharing ORDER BY c.server_id""")
    List<Long> sharingServers(long accountId);
}
