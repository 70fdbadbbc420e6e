-- Channel leases of one scope: KEYS[1] is a sorted set callKey -> lease expiry (Redis time, ms).
-- Every operation first drops the expired leases, so no count includes a lease past its TTL.
local function purge(key, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now))
end

-- The key outlives its newest lease by a second; never shortened (members may run other TTLs).
local function keep(key, ttl)
  local left = redis.call('PTTL', key)
  if left < ttl + 1000 then redis.call('PEXPIRE', key, fmt(ttl + 1000)) end
end
