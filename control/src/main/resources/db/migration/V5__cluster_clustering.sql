-- A cluster's "clustering" block, written into every member switch's snapshot
-- (io.sipfleet.switching.config.Clustering). The defaults are the switch's own, so a cluster
-- created before this migration keeps behaving as it did.
ALTER TABLE cluster ADD COLUMN store_fail_mode VARCHAR(16) DEFAULT 'closed' NOT NULL;
ALTER TABLE cluster ADD COLUMN member_channel_limit INT DEFAULT 0 NOT NULL;
ALTER TABLE cluster ADD COLUMN capacity_failover_mode VARCHAR(16) DEFAULT 'redirect' NOT NULL;
ALTER TABLE cluster ADD COLUMN channel_lease_ttl_seconds INT DEFAULT 90 NOT NULL;
ALTER TABLE cluster ADD CONSTRAINT cluster_store_fail_mode CHECK (store_fail_mode IN ('closed', 'open'));
ALTER TABLE cluster ADD CONSTRAINT cluster_member_channel_limit CHECK (member_channel_limit >= 0);
ALTER TABLE cluster ADD CONSTRAINT cluster_capacity_failover_mode CHECK (capacity_failover_mode IN ('redirect', 'forward'));
ALTER TABLE cluster ADD CONSTRAINT cluster_channel_lease_ttl CHECK (channel_lease_ttl_seconds >= 3);
