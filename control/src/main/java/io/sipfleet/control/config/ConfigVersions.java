package io.sipfleet.control.config;

import org.jdbi.v3.core.Handle;

/**
 * Every change that reaches a server's snapshot bumps that server's config version in the same
 * transaction, so a node that pulls version N+1 is sure to see the change (and a node never sees
 * the same version with different content, which the switch refuses).
 */
public final class ConfigVersions {

    private ConfigVersions() {
    }

    /** SIP users and carrier routes are account-wide: every server of the account gets a new version. */
    public static void bumpAccount(Handle h, long accountId) {
        h.createUpdate("UPDATE server SET config_version = config_version + 1 WHERE account_id = :a")
                .bind("a", accountId)
                .execute();
    }

    /**
     * A cluster's clustering settings are in each member switch's snapshot: every switch of the
     * cluster gets a new version (its dispatchers' snapshots do not carry them).
     */
    public static void bumpCluster(Handle h, long accountId, long clusterId) {
        h.createUpdate("UPDATE server SET config_version = config_version + 1"
                        + " WHERE account_id = :a AND cluster_id = :c AND type = 'switch'")
                .bind("a", accountId)
                .bind("c", clusterId)
                .execute();
    }

    public static void bumpServer(Handle h, long serverId) {
        h.createUpdate("UPDATE server SET config_version = config_version + 1 WHERE id = :id")
                .bind("id", serverId)
                .execute();
    }
}
