-- release: ARGV 1 time, 2 callKey. Returns 1 when a lease was freed, 0 otherwise (idempotent).
local now = now_ms(ARGV[1])
purge(KEYS[1], now)
return redis.call('ZREM', KEYS[1], ARGV[2])
