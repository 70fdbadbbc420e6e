-- admit-callee: a call to a subscriber in one round trip: the callee's bindings (as
-- location-lookup.lua) and, when it has a live one, the call's admission (admit_call); with no
-- live binding the call is not admitted (the switch answers 404, or routes to a sharing peer and
-- admits it then) and takes nothing. The queued releases (release_queued) are applied either way.
-- KEYS 1-3 and ARGV: admit-lib.lua; KEYS[4] the callee's AoR hash.
-- Returns { verdict (-1: no live binding, nothing admitted), then per released key 1 or 0,
--           then contact, packed, contact, packed, ... of the live bindings (unordered) }.
local now = now_ms(ARGV[1])
local out = release_queued(now) or { 0 }
local n, live = #out, false
local flat = redis.call('HGETALL', KEYS[4])
for i = 1, #flat, 2 do
  if now < expiry(flat[i], flat[i + 1]) then
    out[n + 1] = flat[i]
    out[n + 2] = flat[i + 1]
    n = n + 2
    live = true
  end
end
if live then out[1] = admit_call(now) else out[1] = -1 end
return out
