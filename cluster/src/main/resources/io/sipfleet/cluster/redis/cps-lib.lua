-- CPS: one sliding-window admission attempt on the sorted set `key` (score = Redis time in ms),
-- `seq` the cluster's admission sequence (unique member names). Returns true when admitted (and
-- recorded), false when `limit` admissions are less than `window` ms old.
-- Admit when fewer than limit admissions are less than a window old, which is SlidingWindow's
-- "the limit-th most recent admission is at least a window old": only admissions of the last
-- window can decide, so older ones are trimmed, and the set holds at most the largest limit used
-- in the last window.
local function cps_try(key, seq, now, limit, window, key_ttl)
  -- The server clock stepped back: move the history by the same amount, keeping the spacing
  -- between admissions (as SlidingWindow does); O(size), only on a backward step.
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if newest[2] ~= nil and tonumber(newest[2]) > now then
    local delta = now - tonumber(newest[2])
    local all = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    for i = 1, #all, 2 do redis.call('ZADD', key, fmt(tonumber(all[i + 1]) + delta), all[i]) end
  end

  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now - window))
  if redis.call('ZCARD', key) >= limit then return false end
  redis.call('ZADD', key, fmt(now), tostring(redis.call('INCR', seq)))
  redis.call('PEXPIRE', key, key_ttl)
  return true
end
