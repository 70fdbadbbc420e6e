-- register-many: several REGISTERs in one script call, applied in order, each on its own as
-- location-register.lua would (a later one sees what an earlier one wrote, so two REGISTERs of
-- one AoR in one batch keep their order). One call instead of one per REGISTER saves the store
-- a command's read, parse, script start and TIME each, and the member a command's encoding and
-- write each.
-- KEYS[1] expiry index, KEYS[1 + i] the aor hash of request i.
-- ARGV: 1 time, 2 key prefix, 3 number of requests m, then the m requests back to back, each as
-- register_one reads it (location-register-lib.lua).
-- Returns m replies, each register_one's flat array; a request that failed (a binding of an
-- unknown format) gets { -1, message } and the others go on: one bad AoR must not fail the
-- REGISTERs of others that happened to share its batch.
local now = now_ms(ARGV[1])
local prefix, m = ARGV[2], tonumber(ARGV[3])
local out = {}
local a = 4
for i = 1, m do
  local ok, r = pcall(register_one, KEYS[1 + i], KEYS[1], now, prefix, a)
  if ok then out[i] = r else out[i] = { -1, type(r) == 'table' and tostring(r.err) or tostring(r) } end
  a = a + 7 + 6 * tonumber(ARGV[a + 6])
end
return out
