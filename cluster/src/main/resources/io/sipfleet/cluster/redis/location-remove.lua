-- remove / removeIfCurrent: KEYS[1] aor hash, KEYS[2] expiry index.
-- ARGV: 1 time (unused), 2 key prefix, 3 aor, 4 contact, 5 '1' to require the same write
-- (Call-ID and CSeq) else '0', 6 callId, 7 cseq.
-- Returns the removed packed binding, or nil.
local p = redis.call('HGET', KEYS[1], ARGV[4])
if not p then return false end
local b = decode(ARGV[4], p)
if ARGV[5] == '1' and (b.cid ~= ARGV[6] or b.cseq ~= tonumber(ARGV[7])) then return false end
local m = idx(ARGV[3], ARGV[4])
redis.call('HDEL', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[2], m)
redis.call('SREM', ARGV[2] .. 'own:' .. b.member, m)
return p
