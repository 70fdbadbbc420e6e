-- count: ARGV 1 time. Unexpired leases of the scope.
local now = now_ms(ARGV[1])
purge(KEYS[1], now)
return redis.call('ZCARD', KEYS[1])
