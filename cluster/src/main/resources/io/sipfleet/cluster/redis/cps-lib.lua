-- CPS: one sliding-window admission attempt on the sorted set `key` (score = Redis time in ms).
-- Returns true when admitted (and recorded), false when `limit` admissions are less than `window`
-- ms old.
-- Admit when fewer than limit admissions are less than a window old, which is SlidingWindow's
-- "the limit-th most recent admission is at least a window old": only admissions of the last
-- window can decide, so older ones are trimmed, and the set holds at most the largest limit used
-- in the last window.
--
-- Member names are "<time>:<count before this admission>", unique without a shared counter: at
-- one time the count only grows (a trim at the same time removes nothing more), later times
-- differ in the prefix, and when the clock steps back the history is renamed ("r<i>").
-- The key's TTL (key_ttl, at least twice the window) is renewed by the first admission in each
-- half-second, not by every one: it then outlives the newest admission by key_ttl - 500 ms, more
-- than the window that admission can still decide. One command less per call.
local CPS_TTL_BUCKET = 500

local function cps_try(key, now, limit, window, key_ttl)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  local last = tonumber(newest[2])
  if last ~= nil and last > now then
    -- The server clock stepped back: move the history by the same amount, keeping the spacing
    -- between admissions (as SlidingWindow does); O(size), only on a backward step.
    local delta = now - last
    local all = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    redis.call('DEL', key)
    for i = 1, #all, 2 do redis.call('ZADD', key, fmt(tonumber(all[i + 1]) + delta), 'r' .. i) end
    last = nil                                  -- the DEL dropped the TTL: renew it below
  end

  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now - window))
  local n = redis.call('ZCARD', key)
  if n >= limit then return false end
  local t = fmt(now)
  redis.call('ZADD', key, t, t .. ':' .. n)
  if last == nil or math.floor(now / CPS_TTL_BUCKET) ~= math.floor(last / CPS_TTL_BUCKET) then
    redis.call('PEXPIRE', key, key_ttl)
  end
  return true
end
