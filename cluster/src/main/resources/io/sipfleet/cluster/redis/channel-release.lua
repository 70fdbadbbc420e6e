-- release of leases of one scope, one or many at once (batched releases): ARGV 1 time,
-- 2.. callKeys. Returns one integer per key, in order: 1 when it freed a lease, 0 otherwise.
local now = now_ms(ARGV[1])
purge(KEYS[1], now)
local out = {}
for i = 2, #ARGV do out[i - 1] = redis.call('ZREM', KEYS[1], ARGV[i]) end
return out
