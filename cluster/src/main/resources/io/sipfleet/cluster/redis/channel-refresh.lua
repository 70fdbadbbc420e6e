-- refresh of leases of one scope, one or many at once (the owner's periodic refresh of its live
-- calls): ARGV 1 time, 2 lease TTL ms, 3.. callKeys. Returns one integer per key, in order: 1 when
-- the lease was there (it now runs a TTL from now), 0 when there was none (never taken, released,
-- or expired: the caller takes it again for a call that is still up).
local now = now_ms(ARGV[1])
local key, ttl = KEYS[1], tonumber(ARGV[2])
purge(key, now)
local exp = fmt(now + ttl)
local out = {}
for i = 3, #ARGV do
  if redis.call('ZSCORE', key, ARGV[i]) then
    redis.call('ZADD', key, 'XX', exp, ARGV[i])
    out[i - 2] = 1
  else
    out[i - 2] = 0
  end
end
keep(key, ttl)
return out
