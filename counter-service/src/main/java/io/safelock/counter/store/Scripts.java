package io.safelock.counter.store;

import io.safelock.lock.redis.LuaScript;

/**
 * The server-side steps that must not interleave with other clients. Each write that follows a lock
 * carries the lock's fencing token and is refused when a later holder has already written: a replica
 * that was paused past its lease cannot overwrite newer data.
 */
final class Scripts {

    private Scripts() {
    }

    /** KEYS: value, fence. ARGV: new value, fencing token. 1 = written, 0 = refused (a later holder wrote). */
    static final LuaScript FENCED_SET = LuaScript.of("fenced-set", LuaSnippets.FENCE + """
            if not fenced(KEYS[2], ARGV[2]) then return 0 end
            redis.call('SET', KEYS[1], ARGV[1])
            return 1
            """);

    /** KEYS: value, fence. ARGV: fencing token. Sets the counter to 0 and the fence to this token. */
    static final LuaScript RESET = LuaScript.of("reset", """
            redis.call('SET', KEYS[1], '0')
            redis.call('SET', KEYS[2], ARGV[1])
            return 1
            """);

    /**
     * KEYS: value, fence, command marker. ARGV: by, fencing token, marker ttl s, replica.
     * {1, value} applied; {0, value} already applied (duplicate); {-1} refused by the fence;
     * {-3, error} the increment would overflow.
     */
    static final LuaScript APPLY_ONCE = LuaScript.of("apply-once", LuaSnippets.FENCE + """
            if redis.call('EXISTS', KEYS[3]) == 1 then
              return {0, tonumber(redis.call('GET', KEYS[1]) or '0')}
            end
            if not fenced(KEYS[2], ARGV[2]) then return {-1} end
            local value = redis.pcall('INCRBY', KEYS[1], ARGV[1])
            if type(value) == 'table' and value.err then return {-3, value.err} end
            redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[3])
            return {1, value}
            """);

    /** KEYS: total, event marker. ARGV: quantity, marker ttl s. {1, total} counted; {0, total} duplicate. */
    static final LuaScript COUNT_ONCE = LuaScript.of("count-once", """
            if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
              return {1, redis.call('INCRBY', KEYS[1], ARGV[1])}
            end
            return {0, tonumber(redis.call('GET', KEYS[1]) or '0')}
            """);

}
