/**
 * State the switches of a cluster share, behind small asynchronous interfaces with one owner each:
 * {@link io.sipfleet.cluster.location.LocationStore} (registrar bindings),
 * {@link io.sipfleet.cluster.limits.CpsLimiter} (sliding-window calls per second) and
 * {@link io.sipfleet.cluster.limits.ChannelCounter} (concurrent calls as leases), bundled by
 * {@link io.sipfleet.cluster.ClusterState}. In memory for one node
 * ({@link io.sipfleet.cluster.ClusterState#inMemory}); on Redis for a fleet
 * ({@link io.sipfleet.cluster.RedisClusterState#connect}), one keyspace per cluster id, every
 * decision on the Redis server's clock.
 */
package io.sipfleet.cluster;
