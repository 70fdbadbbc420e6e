-- The admission of a new call, shared by admit.lua and admit-callee.lua (KEYS and ARGV as there):
-- KEYS: 1 server CPS window, 2 route CPS window, 3 channel leases of the scope.
-- ARGV: 1 time, 2 server CPS limit (0 = not checked), 3 route CPS limit (0 = not checked),
--       4 CPS window ms, 5 CPS key TTL ms, 6 callKey ('' = CPS only, no channel taken),
--       7 channel limit, 8 lease TTL ms, 9.. callKeys to release first.

-- The releases of ended calls of the channel scope queued since the last round trip, applied
-- first so the channels they free count for this call. Returns { 0, then per released key 1
-- (freed) or 0 }, or nil when none were queued.
local function release_queued(now)
  local ch = KEYS[3]
  if ARGV[6] ~= '' or #ARGV >= 9 then purge(ch, now) end
  if #ARGV < 9 then return nil end
  local freed = { 0 }
  for i = 9, #ARGV do freed[i - 7] = redis.call('ZREM', ch, ARGV[i]) end
  return freed
end

-- The switch's CPS window, the carrier route's CPS window and the channel lease, in that order.
-- Returns 1 admitted, 0 refused by the server CPS, 2 by the route CPS, 3 by the channel limit.
-- Same order and rules as the separate scripts: a CPS slot taken by an attempt a later check
-- refuses stays taken (CPS counts attempts, as the in-memory limiter does).
local function admit_call(now)
  local window, cps_ttl = tonumber(ARGV[4]), ARGV[5]
  local limit = tonumber(ARGV[2])
  if limit > 0 and not cps_try(KEYS[1], now, limit, window, cps_ttl) then return 0 end
  limit = tonumber(ARGV[3])
  if limit > 0 and not cps_try(KEYS[2], now, limit, window, cps_ttl) then return 2 end
  if ARGV[6] == '' then return 1 end
  if lease_try(KEYS[3], ARGV[6], tonumber(ARGV[7]), now, tonumber(ARGV[8])) then return 1 end
  return 3
end
