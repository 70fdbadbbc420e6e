-- refresh: ARGV 1 time, 2 callKey, 3 lease TTL ms. Returns 1, or 0 when there is no lease.
local now = now_ms(ARGV[1])
local key, ttl = KEYS[1], tonumber(ARGV[3])
purge(key, now)
if not redis.call('ZSCORE', key, ARGV[2]) then return 0 end
redis.call('ZADD', key, 'XX', fmt(now + ttl), ARGV[2])
keep(key, ttl)
return 1
