-- lookup: KEYS[1] aor hash; ARGV[1] time.
-- Returns { now, contact, packed, contact, packed, ... } of the unexpired bindings (unordered).
local now = now_ms(ARGV[1])
local out = { now }
live_bindings(KEYS[1], now, out)
return out
