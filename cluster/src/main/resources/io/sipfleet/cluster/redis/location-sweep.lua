-- One batch of the sweep: KEYS[1] expiry index. ARGV: 1 time, 2 key prefix, 3 batch size.
-- Removes up to a batch of expired bindings (and entries of the indexes that lost their binding).
-- Returns { index entries looked at, { aor, contact, packed, ... } removed }: only the script
-- that removed a binding reports it, so with several members sweeping each expiry is told once.
local now = now_ms(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', fmt(now), 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, m in ipairs(due) do
  local aor, contact = split(m)
  local key = ARGV[2] .. 'aor:' .. aor
  local p = redis.call('HGET', key, contact)
  if not p then
    redis.call('ZREM', KEYS[1], m)
  else
    local b = decode(contact, p)
    if now >= b.exp then
      redis.call('HDEL', key, contact)
      redis.call('ZREM', KEYS[1], m)
      redis.call('SREM', ARGV[2] .. 'own:' .. b.member, m)
      out[#out + 1] = aor
      out[#out + 1] = contact
      out[#out + 1] = p
    else
      redis.call('ZADD', KEYS[1], fmt(b.exp), m)
    end
  end
end
return { #due, out }
