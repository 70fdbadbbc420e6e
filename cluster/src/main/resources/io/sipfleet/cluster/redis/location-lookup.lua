-- lookup: KEYS[1] aor hash; ARGV[1] time.
-- Returns { now, contact, packed, contact, packed, ... } of the unexpired bindings (unordered).
local now = now_ms(ARGV[1])
local flat = redis.call('HGETALL', KEYS[1])
local out = { now }
for i = 1, #flat, 2 do
  if now < expiry(flat[i], flat[i + 1]) then
    out[#out + 1] = flat[i]
    out[#out + 1] = flat[i + 1]
  end
end
return out
