-- admit: the whole admission of a new call in one round trip (admit_call in admit-lib.lua), after
-- the queued releases of the same channel scope (release_queued). KEYS and ARGV: admit-lib.lua.
-- Returns the verdict (admit_call); with releases, { verdict, then per released key 1 or 0 }.
local now = now_ms(ARGV[1])
local freed = release_queued(now)
local v = admit_call(now)
if freed == nil then return v end
freed[1] = v
return freed
