/**
 * Support of the Redis implementations of the cluster state: the keyspace
 * ({@link io.sipfleet.cluster.redis.RedisKeys}) and the Lua scripts
 * ({@link io.sipfleet.cluster.redis.LuaScript}, sources in this package's resources). Not an API:
 * use {@link io.sipfleet.cluster.RedisClusterState}.
 */
package io.sipfleet.cluster.redis;
