-- register: RFC 3261 10.3 steps 6-8 for one AoR, the rules of AorUpdate (Java) line for line,
-- all or nothing: every check runs before the first write. Shared by location-register.lua (one
-- REGISTER per script call) and location-register-many.lua (several, in order, in one call).
-- register_one(aorKey, expKey, now, prefix, a): the AoR's hash and the expiry index, the store's
-- time, the key prefix, and where the request's arguments start in ARGV:
--   a aor, a+1 callId, a+2 cseq, a+3 mode ('q' query, 'w' Contact: *, 'c' contacts),
--   a+4 maxBindings (0 = none), a+5 memberId, a+6 number of contacts n, then 6 per contact
--   (already "last wins"-deduplicated by the client): contact, expiresSeconds, has instance
--   ('1'/'0'), instance, regId, and the packed binding after its two times (from cseq on, see
--   location-lib.lua), which the client encodes. The next request, if any, starts at a+7+6n.
-- Returns one flat array, as small as the common case allows (a refresh of the request's own
-- contact: five elements, no binding text): the bindings this request wrote are exactly what the
-- client sent plus the time, so the client builds them itself and they are not sent back:
--   status (0 OK, 1 OUT_OF_ORDER, 2 TOO_MANY_BINDINGS, 3 REPEATED), now,
--   written: one letter per request contact, in order, 'a' added, 'r' refreshed, '-' not stored
--            (expires 0); '' when the request wrote nothing,
--   k, then k pairs contact, packed: the other bindings of the AoR after the request,
--   then triples cause, contact, packed to the end: the removals (EXPIRED ones included).
local function register_one(aorKey, expKey, now, prefix, a)
  local aor, callId, cseqText = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  local cseq = tonumber(cseqText)
  local mode, maxBindings, member = ARGV[a + 3], tonumber(ARGV[a + 4]), ARGV[a + 5]
  local n = tonumber(ARGV[a + 6])

  local live, expired = {}, {}
  local flat = redis.call('HGETALL', aorKey)
  for i = 1, #flat, 2 do
    local b = decode(flat[i], flat[i + 1])
    -- Expired bindings no longer exist: they neither block by CSeq nor count against maxBindings.
    if now >= b.exp then expired[#expired + 1] = b else live[#live + 1] = b end
  end

  local removals = {}
  local function drop(b, cause)
    local m = idx(aor, b.contact)
    redis.call('HDEL', aorKey, b.contact)
    redis.call('ZREM', expKey, m)
    redis.call('SREM', prefix .. 'own:' .. b.member, m)
    removals[#removals + 1] = cause
    removals[#removals + 1] = b.contact
    removals[#removals + 1] = b.packed
  end
  -- The reply: the bindings of `list` that this request did not write, then the removals.
  local function reply(status, written, list)
    local out = { status, now, written, 0 }
    local k = 0
    for _, b in ipairs(list) do
      if not b.new then
        out[#out + 1] = b.contact
        out[#out + 1] = b.packed
        k = k + 1
      end
    end
    out[4] = k
    for i = 1, #removals do out[#out + 1] = removals[i] end
    return out
  end
  -- The request changes nothing; expired bindings are still dropped (housekeeping, not the request).
  local function unchanged(status)
    for _, b in ipairs(expired) do drop(b, 'EXPIRED') end
    return reply(status, '', live)
  end
  -- Call-ID/CSeq ordering: nil (may update), 1 OUT_OF_ORDER (a higher CSeq of the same Call-ID
  -- is stored) or 3 REPEATED (the same Call-ID and CSeq: this request again, answered unchanged).
  local function order(b)
    if b.cid ~= callId then return nil end
    if b.cseq > cseq then return 1 end
    if b.cseq == cseq then return 3 end
    return nil
  end

  if mode == 'q' then return unchanged(0) end

  if mode == 'w' then
    for _, b in ipairs(live) do
      local o = order(b)
      if o then return unchanged(o) end
    end
    for _, b in ipairs(expired) do drop(b, 'EXPIRED') end
    for _, b in ipairs(live) do drop(b, 'UNREGISTERED') end
    return reply(0, '', {})
  end

  local work = {}
  for i, b in ipairs(live) do work[i] = b end
  local nowText = ';' .. fmt(now) .. ';'
  local written, removed_here = {}, {}
  a = a + 7
  for _ = 1, n do
    local contact, expires = ARGV[a], tonumber(ARGV[a + 1])
    local inst = false
    if ARGV[a + 2] == '1' then inst = ARGV[a + 3] end
    local reg, rest = ARGV[a + 4], ARGV[a + 5]
    a = a + 6

    local same = nil
    local kept = {}
    for _, b in ipairs(work) do
      -- Same binding: same contact text, or same +sip.instance and reg-id (RFC 5626).
      if b.contact == contact or (b.inst ~= false and b.inst == inst and b.reg == reg) then
        -- 10.3 step 7: same Call-ID and a lower CSeq aborts the whole request; the same CSeq is
        -- a retransmission of the request that wrote the binding.
        local o = order(b)
        if o then return unchanged(o) end
        if b.contact == contact then
          same = b
        else
          removed_here[#removed_here + 1] = { b, expires == 0 and 'UNREGISTERED' or 'REPLACED' }
        end
      else
        kept[#kept + 1] = b
      end
    end
    work = kept

    if expires == 0 then
      if same then removed_here[#removed_here + 1] = { same, 'UNREGISTERED' } end
      written[#written + 1] = '-'
    else
      local exp = fmt(now + expires * 1000)
      local packed = '2;' .. exp .. nowText .. rest
      work[#work + 1] = { contact = contact, packed = packed, exp = exp, member = member, new = true, old = same }
      written[#written + 1] = same and 'r' or 'a'
    end
  end

  -- Only a request that grows the AoR is refused: after a lowered limit, refreshes still work.
  if maxBindings > 0 and #work > maxBindings and #work > #live then return unchanged(2) end

  -- Commit: removals first, then writes (a contact may be removed and written again in one request).
  for _, b in ipairs(expired) do drop(b, 'EXPIRED') end
  for _, r in ipairs(removed_here) do drop(r[1], r[2]) end
  for _, b in ipairs(work) do
    if b.new then
      local m = idx(aor, b.contact)
      redis.call('HSET', aorKey, b.contact, b.packed)
      redis.call('ZADD', expKey, b.exp, m)
      -- A refresh through the binding's own member leaves the owner index as it is (it names the
      -- binding already); a move to another member changes it.
      if not b.old or b.old.member ~= b.member then
        if b.old then redis.call('SREM', prefix .. 'own:' .. b.old.member, m) end
        redis.call('SADD', prefix .. 'own:' .. b.member, m)
      end
    end
  end
  return reply(0, table.concat(written), work)
end
