-- Location store helpers.
--
-- An AoR is a hash  <prefix>aor:<aor>  of  contact -> packed binding. A packed binding (format 2,
-- see PackedBinding.java) puts what the scripts read first, as decimal text that one string.match
-- takes apart, with the byte lengths of the three text fields the scripts compare:
--   "2;" expiresAt ";" registeredAt ";" cseq ";" regId ";" q ";" #callId ";" #memberId ";"
--   (#instanceId or "-") ";"  then callId, memberId, instanceId back to back,
--   then transport, sourceIp, sourcePort, localIp, localPort, userAgent, path, each
--   "<byte length>:<bytes>" or "-" for null (only the Java side reads those).
-- The scripts write the two times (the Redis clock) and prepend them to the rest, which the client
-- encodes once per contact. Format 1 (every field "<len>:<bytes>", fields 1-8 read by walking them)
-- is still read, so bindings stored before an upgrade keep working until they are rewritten; it
-- cost a third of the register script's time.
--
-- The expiry index <prefix>exp (sorted set, score expiresAt) and the owner index
-- <prefix>own:<memberId> (set) name a binding as "<byte length of aor>:<aor><contact>".

local function decode_v1(contact, p)
  local f, pos = {}, 3                       -- after "1;"
  if string.sub(p, 1, 2) ~= '1;' then error('unknown binding format for ' .. contact) end
  for i = 1, 8 do
    if string.sub(p, pos, pos) == '-' then
      f[i] = false
      pos = pos + 1
    else
      local colon = string.find(p, ':', pos, true)
      local len = tonumber(string.sub(p, pos, colon - 1))
      f[i] = string.sub(p, colon + 1, colon + len)
      pos = colon + 1 + len
    end
  end
  return { contact = contact, packed = p, exp = tonumber(f[1]), cid = f[4], cseq = tonumber(f[5]),
           inst = f[6], reg = f[7], member = f[8] }
end

-- The header of format 2: expiresAt, cseq, regId, #callId, #memberId, #instanceId or '-', and
-- the position of callId's first byte.
local HEAD2 = '^2;(%d+);%d+;(%d+);(%-?%d+);%-?%d+;(%d+);(%d+);([%d%-]+);()'

local function decode(contact, p)
  local exp, cseq, reg, cl, ml, il, pos = string.match(p, HEAD2)
  if not exp then return decode_v1(contact, p) end
  local cidEnd = pos + tonumber(cl)
  local memberEnd = cidEnd + tonumber(ml)
  local inst = false
  if il ~= '-' then inst = string.sub(p, memberEnd, memberEnd + tonumber(il) - 1) end
  return { contact = contact, packed = p, exp = tonumber(exp), cid = string.sub(p, pos, cidEnd - 1),
           cseq = tonumber(cseq), inst = inst, reg = reg, member = string.sub(p, cidEnd, memberEnd - 1) }
end

local function idx(aor, contact)
  return #aor .. ':' .. aor .. contact
end

local function split(m)
  local colon = string.find(m, ':', 1, true)
  local len = tonumber(string.sub(m, 1, colon - 1))
  return string.sub(m, colon + 1, colon + len), string.sub(m, colon + 1 + len)
end

-- expiresAt of a packed binding, without decoding the rest: what a lookup needs to tell live
-- bindings from expired ones (live_bindings below).
local function expiry(contact, p)
  local exp = string.match(p, '^2;(%d+);')
  if exp then return tonumber(exp) end
  if string.sub(p, 1, 2) ~= '1;' then error('unknown binding format for ' .. contact) end
  local colon = string.find(p, ':', 3, true)
  return tonumber(string.sub(p, colon + 1, colon + tonumber(string.sub(p, 3, colon - 1))))
end

-- Appends contact, packed, ... of the live bindings of the AoR hash `key` at `now` to `out`
-- (unordered); returns whether there was one.
local function live_bindings(key, now, out)
  local flat = redis.call('HGETALL', key)
  local live = false
  for i = 1, #flat, 2 do
    if now < expiry(flat[i], flat[i + 1]) then
      out[#out + 1] = flat[i]
      out[#out + 1] = flat[i + 1]
      live = true
    end
  end
  return live
end
