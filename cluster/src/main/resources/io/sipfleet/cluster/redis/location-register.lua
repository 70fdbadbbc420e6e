-- register: one REGISTER (see register_one in location-register-lib.lua).
-- KEYS[1] aor hash, KEYS[2] expiry index.
-- ARGV: 1 time, 2 key prefix, then the request from 3 on (aor, callId, cseq, mode, ...).
return register_one(KEYS[1], KEYS[2], now_ms(ARGV[1]), ARGV[2], 3)
