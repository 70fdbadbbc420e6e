-- Location store helpers.
--
-- An AoR is a hash  <prefix>aor:<aor>  of  contact -> packed binding.  A packed binding is "1;"
-- (format version) then 15 fields, each "<byte length>:<bytes>" or "-" for null:
--   1 expiresAt  2 registeredAt  3 q  4 callId  5 cseq  6 instanceId  7 regId  8 memberId
--   9 transport  10 sourceIp  11 sourcePort  12 localIp  13 localPort  14 userAgent  15 path
-- Scripts only read fields 1-8; the rest (the request's flow, UA, Path) arrives pre-encoded from
-- the client and is stored as is.
--
-- The expiry index <prefix>exp (sorted set, score expiresAt) and the owner index
-- <prefix>own:<memberId> (set) name a binding as "<byte length of aor>:<aor><contact>".

local function enc(s)
  if s == false or s == nil then return '-' end
  return #s .. ':' .. s
end

local function decode(contact, p)
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

local function idx(aor, contact)
  return #aor .. ':' .. aor .. contact
end

local function split(m)
  local colon = string.find(m, ':', 1, true)
  local len = tonumber(string.sub(m, 1, colon - 1))
  return string.sub(m, colon + 1, colon + len), string.sub(m, colon + 1 + len)
end

-- Field 1 (expiresAt, never null) of a packed binding, without decoding the others: what a
-- lookup needs to tell live bindings from expired ones.
local function expiry(contact, p)
  if string.sub(p, 1, 2) ~= '1;' then error('unknown binding format for ' .. contact) end
  local colon = string.find(p, ':', 3, true)
  return tonumber(string.sub(p, colon + 1, colon + tonumber(string.sub(p, 3, colon - 1))))
end
