-- count: KEYS[1] expiry index. Bindings held, expired ones included until swept.
return redis.call('ZCARD', KEYS[1])
