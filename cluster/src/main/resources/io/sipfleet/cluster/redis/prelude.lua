-- sipfleet cluster state: shared prelude of every script.
-- Time: the Redis server's clock (TIME), in epoch milliseconds, so that every member of the cluster
-- decides expiries, leases and windows on one clock whatever its own says. ARGV[1] is empty in
-- production; tests pass a fixed time there to step through expiries without sleeping.
local function now_ms(arg)
  if arg ~= nil and arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Integers as plain decimal text. '%d' formats a C long: no floating-point printing (perf: printf-
-- family formatting, mostly floating point, was 4.6 % of Redis's samples under calls with '%.0f');
-- every value passed here is a whole number of ms.
local function fmt(n)
  return string.format('%d', n)
end
