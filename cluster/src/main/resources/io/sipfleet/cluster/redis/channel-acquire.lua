-- tryAcquire: ARGV 1 time, 2 callKey, 3 limit, 4 lease TTL ms. Returns 1 (held) or 0 (refused).
-- Idempotent: a key that already holds a lease keeps it (refreshed), even at or over the limit.
local now = now_ms(ARGV[1])
local key = KEYS[1]
purge(key, now)
if lease_try(key, ARGV[2], tonumber(ARGV[3]), now, tonumber(ARGV[4])) then return 1 end
return 0
