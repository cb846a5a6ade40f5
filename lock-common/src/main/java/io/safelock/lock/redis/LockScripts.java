package io.safelock.lock.redis;

/**
 * The lock's server-side steps. Each runs atomically on one node, so "check the owner token, then act"
 * cannot interleave with another client.
 */
public final class LockScripts {

    private LockScripts() {
    }

    /**
     * KEYS: lock, fence counter, reservation, waiters flag. ARGV: token, ttl ms, reservation ms
     * (0 = do not reserve), waiter id, previous token ('' if none). Grants the lock when it is free, or
     * still held by the previous token (a holder in the same process handing it straight over), and
     * not reserved for another waiter; returns {1, fencing counter}. Otherwise returns {0, holder's remaining ms}, flags that
     * someone waits (so the release announces itself; uncontended releases stay silent) and, if asked,
     * reserves the next turn for this waiter so callers that re-acquire in a loop cannot starve it.
     * The token is new for every attempt, so a late release of an earlier attempt can never delete
     * this one's key.
     */
    public static final LuaScript ACQUIRE = LuaScript.of("acquire", """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder == ARGV[5] then
              holder = false
            end
            if not holder then
              local reserved = redis.call('GET', KEYS[3])
              if (not reserved) or reserved == ARGV[4] then
                redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
                if reserved then redis.call('DEL', KEYS[3]) end
                return {1, redis.call('INCR', KEYS[2])}
              end
            end
            local remaining = redis.call('PTTL', KEYS[1])
            redis.call('SET', KEYS[4], '1', 'PX', math.max(remaining, 0) + 1000)
            if ARGV[3] ~= '0' then
              redis.call('SET', KEYS[3], ARGV[4], 'NX', 'PX', ARGV[3])
            end
            return {0, remaining}
            """);

    /**
     * KEYS: lock, reservation, waiters flag. ARGV: token, channel, lock name, waiter id.
     * Deletes the lock only if the token still owns it and, when someone waits, tells them on the
     * channel; drops this waiter's reservation too (a waiter that gives up). Returns 1 if the lock was ours.
     */
    public static final LuaScript RELEASE = LuaScript.of("release", """
            local released = 0
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              if redis.call('DEL', KEYS[3]) == 1 then
                redis.call('PUBLISH', ARGV[2], ARGV[3])
              end
              released = 1
            end
            if redis.call('GET', KEYS[2]) == ARGV[4] then
              redis.call('DEL', KEYS[2])
            end
            return released
            """);

    /** KEYS: lock. ARGV: token, ttl ms. Resets the TTL only if the token still owns the lock; 1 if it did. */
    public static final LuaScript EXTEND = LuaScript.of("extend", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """);

    /**
     * KEYS: lock, fence counter. ARGV: token, fencing token.
     * While the token still owns the lock on this node, raises the node's counter to at least the given
     * value, so any later holder that wins this node counts above it. Returns 1 if the lock was ours.
     */
    public static final LuaScript RAISE_FENCE = LuaScript.of("raise-fence", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            local current = tonumber(redis.call('GET', KEYS[2]) or '0')
            if current < tonumber(ARGV[2]) then
              redis.call('SET', KEYS[2], ARGV[2])
            end
            return 1
            """);
}
