-- admit-callee: a call to a subscriber in one round trip: the callee's bindings (as
-- location-lookup.lua) and, when it has a live one, the call's admission (admit_call); with no
-- live binding the call is not admitted (the switch answers 404, or routes to a sharing peer and
-- admits it then) and takes nothing. The queued releases (release_queued) are applied either way.
-- KEYS 1-3 and ARGV: admit-lib.lua; KEYS[4] the callee's AoR hash.
-- Returns { verdict (-1: no live binding, nothing admitted), then per released key 1 or 0,
--           then contact, packed, contact, packed, ... of the live bindings (unordered) }.
local now = now_ms(ARGV[1])
local out = release_queued(now) or { 0 }
if live_bindings(KEYS[4], now, out) then out[1] = admit_call(now) else out[1] = -1 end
return out
