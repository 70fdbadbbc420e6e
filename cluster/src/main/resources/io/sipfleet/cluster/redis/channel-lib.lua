-- Channel leases of one scope: KEYS[1] is a sorted set callKey -> lease expiry (Redis time, ms).
-- Every operation first drops the expired leases, so no count includes a lease past its TTL.
local function purge(key, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now))
end

-- The key outlives its newest lease by at least a second; never shortened (members may run
-- other TTLs). Renewed with two seconds to spare, so under load one lease in a second pays for
-- the PEXPIRE and the others only read the TTL.
local function keep(key, ttl)
  local left = redis.call('PTTL', key)
  if left < ttl + 1000 then redis.call('PEXPIRE', key, fmt(ttl + 2000)) end
end

-- Takes a lease for callKey if it holds one already (refreshed) or fewer than limit are held.
-- Idempotent: a key that already holds a lease keeps it, even at or over the limit.
local function lease_try(key, callKey, limit, now, ttl)
  -- Under the limit (the common case) the ZSCORE is not needed: one command less per call.
  if redis.call('ZCARD', key) < limit or redis.call('ZSCORE', key, callKey) then
    redis.call('ZADD', key, fmt(now + ttl), callKey)
    keep(key, ttl)
    return true
  end
  return false
end
