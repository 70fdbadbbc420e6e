-- CPS: one sliding-window admission attempt (cps_try in cps-lib.lua).
-- KEYS[1] the scope's admissions (sorted set, score = Redis time in ms). ARGV: 1 time, 2 limit (> 0), 3 window ms, 4 key TTL ms.
local now = now_ms(ARGV[1])
if cps_try(KEYS[1], now, tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]) then return 1 end
return 0
