-- tryAcquire: ARGV 1 time, 2 callKey, 3 limit, 4 lease TTL ms. Returns 1 (held) or 0 (refused).
-- Idempotent: a key that already holds a lease keeps it (refreshed), even at or over the limit.
local now = now_ms(ARGV[1])
local key, ttl = KEYS[1], tonumber(ARGV[4])
purge(key, now)
if redis.call('ZSCORE', key, ARGV[2]) or redis.call('ZCARD', key) < tonumber(ARGV[3]) then
  redis.call('ZADD', key, fmt(now + ttl), ARGV[2])
  keep(key, ttl)
  return 1
end
return 0
