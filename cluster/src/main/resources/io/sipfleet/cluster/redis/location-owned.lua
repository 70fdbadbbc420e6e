-- One page of forEachOwnedBy: KEYS[1] owner index. ARGV: 1 time, 2 key prefix, 3 SSCAN cursor,
-- 4 page size, 5 memberId.
-- Returns { next cursor, { aor, contact, packed, ... } } of the page's unexpired bindings.
local now = now_ms(ARGV[1])
local page = redis.call('SSCAN', KEYS[1], ARGV[3], 'COUNT', ARGV[4])
local out = {}
for _, m in ipairs(page[2]) do
  local aor, contact = split(m)
  local p = redis.call('HGET', ARGV[2] .. 'aor:' .. aor, contact)
  if p then
    local b = decode(contact, p)
    if now < b.exp and b.member == ARGV[5] then
      out[#out + 1] = aor
      out[#out + 1] = contact
      out[#out + 1] = p
    end
  end
end
return { page[1], out }
